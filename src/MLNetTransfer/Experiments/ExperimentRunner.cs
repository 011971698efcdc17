using System.Diagnostics;
using System.Reflection;
using System.Runtime.InteropServices;
using Microsoft.ML;
using MLNetTransfer.Core;
using MLNetTransfer.Data;
using MLNetTransfer.Evaluation;
using MLNetTransfer.Training;

namespace MLNetTransfer.Experiments;

/// <summary>
/// Runs one experiment end to end: data (generated where the config says so), split, run folder, backbone features,
/// head, evaluation, and every file of the run folder. Reports progress to <paramref name="progress"/>; draws nothing.
/// </summary>
public sealed class ExperimentRunner(IProgress<RunProgress>? progress = null)
{
    /// <summary>
    /// The folder in a config's output folder where backbone features, the feature-extraction model's featurizer and
    /// each dataset folder's file checks are kept between runs.
    /// </summary>
    public const string FeatureStoreFolder = ".feature-cache";

    /// <summary>Runs the experiment in a new run folder, or continues the interrupted run in <paramref name="resumeFolder"/>.</summary>
    public RunResult Run(ExperimentDefinition definition, CancellationToken cancellation = default, string? resumeFolder = null)
    {
        var clock = Stopwatch.StartNew();
        var started = DateTime.UtcNow;
        var config = definition.Config;
        var experiment = definition.Resolved;
        var kind = experiment.Kind;
        var steps = new RunSteps(progress);
        RunFolder folder;
        DatasetSplit split;
        if (resumeFolder is null)
        {
            split = DatasetLoader.Load(definition, steps, cancellation);
            folder = RunFolder.Create(definition.Resolve(config.Output), config.Name, started);
            folder.WriteJson(RunFolder.ConfigFile, experiment.Record);
            folder.WriteJson(RunFolder.DatasetFile, new DatasetFiles(split.Train, split.Validation, split.Test));
        }
        else
        {
            (folder, split) = Reopen(definition, kind, resumeFolder);
        }
        var backbone = BackboneSetup.Place(definition, folder.Path);
        var record = new RunRecord(config.Name, RunRecord.Running, Path.GetFullPath(definition.ConfigPath), config.Seed, config.Mode,
            started, backbone.Relocated(Path.GetFileName),
            DatasetLoader.Describe(definition, split), Versions(), Precision: kind.Precision);
        folder.WriteJson(RunFolder.RunFile, record);

        var run = new RunContext(new MLContext(config.Seed), definition, backbone, split, folder, resumeFolder is not null, steps, cancellation);
        try
        {
            var model = kind.Train(run);
            steps.Report("Saving the model");
            folder.Write(RunFolder.ModelFile, model.Save);

            var test = model.Score(split.Test, "Evaluating on the test set");
            var validation = split.Validation.Count > 0 ? model.Score(split.Validation, "Evaluating on the validation set") : null;
            var metrics = new RunMetrics(ClassifierEvaluator.Evaluate(run.Ml, test, split.Classes),
                validation is null ? null : ClassifierEvaluator.Evaluate(run.Ml, validation, split.Classes));
            folder.WriteText(RunFolder.PredictionsFile, PredictionsCsv.Format(test, split.Classes));
            folder.WriteJson(RunFolder.MetricsFile, metrics);

            // Files that became unreadable after the scan are listed with those the scan left out.
            if (run.Unreadable.Count > 0) record = record with { Dataset = record.Dataset with { Skipped = [.. record.Dataset.Skipped, .. run.Unreadable] } };
            record = record with { Notes = run.Notes.Count > 0 ? run.Notes : null, Status = RunRecord.Completed, FinishedUtc = DateTime.UtcNow, Seconds = Math.Round(clock.Elapsed.TotalSeconds, 1) };
            folder.WriteJson(RunFolder.RunFile, record);
            return new RunResult(folder.Path, record, metrics);
        }
        catch (OperationCanceledException)
        {
            // Its last checkpoint stays: train --resume continues it. (A killed process cannot say so: it stays 'running'.)
            folder.WriteJson(RunFolder.RunFile, record with { Status = RunRecord.Interrupted, Seconds = Math.Round(clock.Elapsed.TotalSeconds, 1) });
            throw;
        }
        catch
        {
            folder.WriteJson(RunFolder.RunFile, record with { Status = RunRecord.Failed, FinishedUtc = DateTime.UtcNow, Seconds = Math.Round(clock.Elapsed.TotalSeconds, 1) });
            throw;
        }
        finally
        {
            foreach (var resource in run.Owned) resource.Dispose();
        }
    }

    // A run to continue: same experiment, not finished, with its split as written.
    static (RunFolder, DatasetSplit) Reopen(ExperimentDefinition definition, RunKind kind, string path)
    {
        var folder = RunFolder.Open(path);
        var previous = folder.ReadJson<RunRecord>(RunFolder.RunFile);
        if (previous.Experiment != definition.Config.Name)
            throw new DataException($"{folder.Path} is a run of '{previous.Experiment}', not of '{definition.Config.Name}'");
        if (previous.Status == RunRecord.Completed)
            throw new DataException($"{folder.Path} is already completed; a finished run is never overwritten");
        if (kind.CannotResume is { } reason) throw new DataException(reason);
        var files = folder.ReadJson<DatasetFiles>(RunFolder.DatasetFile);
        var split = new DatasetSplit(previous.Dataset.Classes, files.Train, files.Validation, files.Test, previous.Dataset.Skipped);
        return (folder, split);
    }

    static IReadOnlyDictionary<string, string> Versions()
    {
        static string Of(Type type) =>
            type.Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
            ?? type.Assembly.GetName().Version?.ToString() ?? "unknown";
        return new Dictionary<string, string>
        {
            ["MLNetTransfer"] = Of(typeof(ExperimentRunner)),
            ["Microsoft.ML"] = Of(typeof(MLContext)),
            ["Microsoft.ML.OnnxRuntime"] = Of(typeof(Microsoft.ML.OnnxRuntime.InferenceSession)),
            ["TorchSharp"] = Of(typeof(TorchSharp.torch)),
            [".NET"] = RuntimeInformation.FrameworkDescription,
            ["OS"] = RuntimeInformation.OSDescription,
        };
    }
}
