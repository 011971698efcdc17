using MLNetTransfer.Cli;
using MLNetTransfer.Experiments;
using MLNetTransfer.Tests.Support;
using MLNetTransfer.Training;

namespace MLNetTransfer.Tests.Cli;

/// <summary><c>lr-find</c> and <c>train --lr-find</c>: the sweep is plotted and suggests a rate, and training after it trains as without it.</summary>
public sealed class LrFindTests : IDisposable
{
    readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    string FrozenBase() => Configs.Synthetic(folder, imagesPerClass: 12, head: null,
        extra: """ "mode": "frozen-base", "classifier": { "hiddenUnits": [32], "dropout": 0.2 }, "training": { "batchSize": 4, "phases": [ { "name": "head", "epochs": 2, "learningRate": 0.003 } ] }, """);

    [Fact]
    public void Lr_find_plots_the_sweep_of_the_first_phase_and_suggests_a_rate_where_the_loss_falls()
    {
        var result = CliApp.Run("lr-find", FrozenBase(), "--steps", "60", "--start", "1e-6", "--end", "100");

        Assert.Equal(0, result.ExitCode);
        var output = result.Output.Replace("\n", " ");
        Assert.Contains("suggested learning rate: ", output);
        Assert.Contains("for phase 'head', whose config says 3.0e-3", output);
        var written = Directory.GetDirectories(folder["runs/synthetic-test/lr-find"]).Single();
        var sweep = LearningRateFinder.Read(written)!;
        Assert.True(File.Exists(Path.Combine(written, LearningRateSweep.PictureFile)));
        // The rates grow from the start, at one factor a step, up to the end or the divergence.
        Assert.Equal(1e-6, sweep.Points[0].Rate, 12);
        Assert.InRange(sweep.Points.Count, 10, 60);
        var factor = Math.Pow(1e8, 1.0 / 59);
        Assert.All(sweep.Points.Skip(1).Zip(sweep.Points), p => Assert.Equal(factor, p.First.Rate / p.Second.Rate, 6));
        // The suggested rate lies where the smoothed loss is below its start: on the way down.
        var at = sweep.Points.First(p => p.Rate == sweep.Suggested);
        Assert.True(at.Smoothed < sweep.Points[0].Smoothed, $"suggested {sweep.Suggested} with smoothed loss {at.Smoothed}, first {sweep.Points[0].Smoothed}");
        // Nothing else in the folder: no network, no backbone copy.
        Assert.Equal([LearningRateSweep.CsvFile, LearningRateSweep.PictureFile], Directory.GetFiles(written).Select(Path.GetFileName).Order());
    }

    [Fact]
    public void Training_after_the_sweep_gives_the_same_epochs_and_predictions_as_training_without_it()
    {
        var definition = ExperimentConfigReader.Read(FrozenBase());
        var without = new ExperimentRunner().Run(definition);
        var with = new ExperimentRunner { LearningRateSweep = new LearningRateSweepOptions { Steps = 30 } }.Run(definition);

        Assert.Null(LearningRateFinder.Read(without.Folder));
        Assert.InRange(LearningRateFinder.Read(with.Folder)!.Points.Count, 5, 30);
        string[] History(string run) => File.ReadAllLines(Path.Combine(run, "history.csv")).Select(l => string.Join(',', l.Split(',').Where((_, i) => i != 7))).ToArray();
        Assert.Equal(History(without.Folder), History(with.Folder));
        Assert.Equal(File.ReadAllText(Path.Combine(without.Folder, "predictions.csv")), File.ReadAllText(Path.Combine(with.Folder, "predictions.csv")));
    }

    [Fact]
    public void Lr_find_refuses_feature_extraction_and_bad_flags_naming_them()
    {
        var fe = CliApp.Run("lr-find", Configs.Synthetic(folder));
        Assert.Equal(ExitCodes.BadInput, fe.ExitCode);
        Assert.Contains("mode: feature-extraction fits an ML.NET L-BFGS head, which has no learning rate to find", fe.Output.Replace("\n", ""));

        var steps = CliApp.Run("lr-find", FrozenBase(), "--steps", "3");
        Assert.NotEqual(0, steps.ExitCode);
        Assert.Contains("--steps must be at least 10", steps.Output.Replace("\n", ""));
        var end = CliApp.Run("lr-find", FrozenBase(), "--start", "0.1", "--end", "0.01");
        Assert.Contains("--end must be above the start rate (0.1)", end.Output.Replace("\n", ""));
    }
}
