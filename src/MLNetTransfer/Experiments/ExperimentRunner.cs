using System.Diagnostics;
using System.Reflection;
using System.Runtime.InteropServices;
using Microsoft.ML;
using MLNetTransfer.Backbones;
using MLNetTransfer.Core;
using MLNetTransfer.Data;
using MLNetTransfer.Evaluation;
using MLNetTransfer.Pipelines;
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

    /// <summary>
    /// Network runs sweep their first phase's learning rate before training (as <see cref="LearningRateFinder"/> does,
    /// the weights left as they were) and keep the sweep in the run folder; null for no sweep. Default: null.
    /// </summary>
    public Training.LearningRateSweepOptions? LearningRateSweep { get; init; }

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
        Backbone backbone;
        try
        {
            backbone = BackboneSetup.Place(definition, folder.Path);
        }
        catch when (resumeFolder is null)
        {
            // Nothing has run yet: a folder without run.json would only puzzle its readers.
            Directory.Delete(folder.Path, recursive: true);
            throw;
        }
        var record = new RunRecord(config.Name, RunRecord.Running, Path.GetFullPath(definition.ConfigPath), config.Seed, config.Mode,
            started, backbone.Relocated(Path.GetFileName),
            DatasetLoader.Describe(definition, split), Versions(), Precision: kind.Precision,
            ProcessId: Environment.ProcessId, Host: Environment.MachineName);
        folder.WriteJson(RunFolder.RunFile, record);

        var heartbeat = RunHeartbeat.Start(folder);
        var run = new RunContext(new MLContext(config.Seed), definition, backbone, split, folder, resumeFolder is not null, steps, cancellation)
        {
            LearningRateSweep = LearningRateSweep,
        };
        try
        {
            var model = kind.Train(run);
            var validation = split.Validation.Count > 0 ? model.Score(split.Validation, "Evaluating on the validation set") : null;
            var temperature = config.Calibration == CalibrationMethod.Temperature
                ? TemperatureScaling.Fit(validation ?? throw new ConfigException(definition.ConfigPath, "calibration", "temperature scaling is fitted on the validation set, and this dataset has no validation images"), split.Classes)
                : null;
            steps.Report("Saving the model");
            folder.Write(RunFolder.ModelFile, path => model.Save(path, temperature?.Steps(run.Ml, split.Classes.Count, folder.Path) ?? []));

            var test = model.Score(split.Test, "Evaluating on the test set");
            EvaluationMetrics? Evaluate(IReadOnlyList<Prediction>? predictions) => predictions is null ? null : ClassifierEvaluator.Evaluate(run.Ml, predictions, split.Classes);
            IReadOnlyList<Prediction>? Scaled(IReadOnlyList<Prediction>? predictions) => temperature is null ? predictions : predictions?.Select(temperature.Apply).ToList();
            var (scaledTest, scaledValidation) = (Scaled(test)!, Scaled(validation));
            var metrics = new RunMetrics(Evaluate(scaledTest)!, Evaluate(scaledValidation), temperature?.Temperature,
                temperature is null ? null : Evaluate(test), temperature is null ? null : Evaluate(validation));
            test = scaledTest;
            folder.WriteText(RunFolder.PredictionsFile, PredictionsCsv.Format(test, split.Classes));
            folder.WriteJson(RunFolder.MetricsFile, metrics);

            // Files that became unreadable after the scan are listed with those the scan left out.
            if (run.Unreadable.Count > 0) record = record with { Dataset = record.Dataset with { Skipped = [.. record.Dataset.Skipped, .. run.Unreadable] } };
            record = record with { Notes = run.Notes.Count > 0 ? run.Notes : null, Status = RunRecord.Completed, FinishedUtc = DateTime.UtcNow, Seconds = Math.Round(clock.Elapsed.TotalSeconds, 1) };
            folder.WriteJson(RunFolder.RunFile, record);
            return new RunResult(folder.Path, record, metrics);
        }
        catch (OperationCanceledException e)
        {
            // Its last checkpoint stays: train --resume continues it. (A killed process cannot say so; readers tell
            // from the heartbeat, see RunHeartbeat.)
            Record(e, folder, record with { Status = RunRecord.Interrupted, Seconds = Math.Round(clock.Elapsed.TotalSeconds, 1) }, errorLog: null);
            throw;
        }
        catch (Exception e)
        {
            var unexpected = e is not (ConfigException or DataException);
            Record(e, folder, record with { Status = RunRecord.Failed, Error = e.Message, FinishedUtc = DateTime.UtcNow, Seconds = Math.Round(clock.Elapsed.TotalSeconds, 1) },
                errorLog: unexpected ? folder.File(ErrorLogFile) : null);
            throw;
        }
        finally
        {
            heartbeat.Dispose();
            foreach (var resource in run.Owned) resource.Dispose();
        }
    }

    /// <summary>The full trace of an unexpected exception that ended a run, in its run folder.</summary>
    public const string ErrorLogFile = "error.log";

    // How the run ended, in run.json and (for a fault) error.log, as far as the disk allows; what could be written is
    // attached to the exception for the caller to report.
    static void Record(Exception e, RunFolder folder, RunRecord ended, string? errorLog)
    {
        var recorded = Attempt(() => folder.WriteJson(RunFolder.RunFile, ended));
        if (errorLog is not null && !Attempt(() => AtomicFile.WriteText(errorLog, e.ToString()))) errorLog = null;
        new RunFailure(folder.Path, recorded, errorLog).AttachTo(e);
    }

    static bool Attempt(Action write)
    {
        try
        {
            write();
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
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
        if (RunHeartbeat.StatusOf(folder, previous) == RunRecord.Running)
            throw new DataException($"{folder.Path} is still running ({RunHeartbeat.Owner(previous)}); stop it before resuming it");
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
