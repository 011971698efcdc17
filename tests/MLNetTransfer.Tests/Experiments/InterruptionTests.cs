using System.Diagnostics;
using Microsoft.ML;
using MLNetTransfer.Evaluation;
using MLNetTransfer.Experiments;
using MLNetTransfer.Tests.Support;
using MLNetTransfer.Training;

namespace MLNetTransfer.Tests.Experiments;

/// <summary>A training process killed from outside, as a power cut or a second Ctrl-C would, then resumed.</summary>
public sealed class InterruptionTests : IDisposable
{
    readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    [Fact]
    public void A_killed_training_process_resumes_to_completion_and_every_file_of_the_run_parses()
    {
        const int epochs = 10;
        var config = Configs.Synthetic(folder, head: null, extra: $$"""
             "mode": "fine-tune", "classifier": { "hiddenUnits": [16] },
             "training": { "batchSize": 4, "phases": [ { "name": "head", "epochs": 2 }, { "name": "top", "epochs": {{epochs - 2}}, "unfreeze": { "topStages": 2 }, "learningRate": 0.0001 } ] },
            """);

        using (var child = CliProcess.Start([], "train", config, "--no-report"))
        {
            var history = "";
            var clock = Stopwatch.StartNew();
            while (clock.Elapsed < TimeSpan.FromMinutes(5))
            {
                Assert.False(child.HasExited, "training finished before it could be killed");
                history = Directory.Exists(folder["runs/synthetic-test"])
                    ? Directory.GetFiles(folder["runs/synthetic-test"], "history.csv", SearchOption.AllDirectories).SingleOrDefault() ?? "" : "";
                if (history.Length > 0 && File.ReadAllLines(history).Length >= 4) break;
                Thread.Sleep(20);
            }
            child.Kill(entireProcessTree: true);
            child.WaitForExit();
        }
        var run = Directory.GetDirectories(folder["runs/synthetic-test"]).Single();
        var killed = RunFolder.Open(run).ReadJson<RunRecord>(RunFolder.RunFile);
        Assert.Equal(RunRecord.Running, killed.Status);
        // Its process is gone: readers show the run as killed, and compare leaves it out saying so.
        Assert.Contains(RunRecord.Killed, TrainedRun.Unfinished(run));
        var (compared, said) = CliProcess.Run(2, "compare", run);
        Assert.Equal(2, compared);
        Assert.Contains($"not compared: {run} is {RunRecord.Killed}", said);
        Assert.False(File.Exists(Path.Combine(run, RunFolder.ModelFile)));
        var checkpoint = TrainingCheckpoint.Read(Path.Combine(run, "checkpoint"))!;
        // history.csv is written before each epoch's checkpoint, so the kill may land between the two.
        Assert.InRange(checkpoint.Epoch, 2, epochs - 1);
        Assert.True(File.Exists(checkpoint.NetworkFile(Path.Combine(run, "checkpoint"))));

        var output = new List<string>();
        using (var resumed = CliProcess.Start(output, "train", config, "--resume", run, "--no-report"))
        {
            Assert.True(resumed.WaitForExit(TimeSpan.FromMinutes(5)), "the resumed run did not finish");
            resumed.WaitForExit(); // and its output read to the end
            Assert.Equal(0, resumed.ExitCode);
        }
        // Piped output is not wrapped: the line scripts read names the whole run folder.
        Assert.Single(output, line => line.StartsWith("test accuracy: ", StringComparison.Ordinal) && line.EndsWith($"run folder: {run}", StringComparison.Ordinal));

        var folderOfRun = RunFolder.Open(run);
        Assert.Equal(RunRecord.Completed, folderOfRun.ReadJson<RunRecord>(RunFolder.RunFile).Status);
        var metrics = folderOfRun.ReadJson<RunMetrics>(RunFolder.MetricsFile);
        folderOfRun.ReadJson<ExperimentConfig>(RunFolder.ConfigFile);
        var dataset = folderOfRun.ReadJson<DatasetFiles>(RunFolder.DatasetFile);
        var predictions = PredictionsCsv.Parse(File.ReadAllText(Path.Combine(run, RunFolder.PredictionsFile)));
        Assert.Equal(dataset.Test.Count, predictions.Count);
        Assert.Equal(metrics.Test.Count, predictions.Count);
        Assert.Equal(Enumerable.Range(1, epochs), HistoryCsv.Parse(File.ReadAllText(Path.Combine(run, RunFolder.HistoryFile))).Select(e => e.Epoch));
        new MLContext().Model.Load(Path.Combine(run, RunFolder.ModelFile), out _);
        Assert.Empty(Directory.GetFiles(run, "*.partial", SearchOption.AllDirectories));
    }
}
