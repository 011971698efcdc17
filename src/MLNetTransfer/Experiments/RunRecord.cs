using MLNetTransfer.Data;

namespace MLNetTransfer.Experiments;

/// <summary>
/// What <c>run.json</c> records about a run: enough to know what ran, on what, with which versions; and its notes, what
/// the run did other than asked and why (a cache kept on disk because it exceeded the memory budget).
/// </summary>
/// <remarks>
/// <see cref="Error"/> is the message of what made a run fail; <see cref="ProcessId"/> and <see cref="Host"/> say which
/// process ran it, so a reader can tell a run in progress from one whose process was killed.
/// <see cref="Backbone"/>'s ONNX paths are file names in the run folder, so a run folder can be moved.
/// </remarks>
public sealed record RunRecord(
    string Experiment,
    string Status,
    string ConfigFile,
    int Seed,
    TrainingMode Mode,
    DateTime StartedUtc,
    Backbones.Backbone Backbone,
    DatasetRecord Dataset,
    IReadOnlyDictionary<string, string> Versions,
    DateTime? FinishedUtc = null,
    double? Seconds = null,
    Training.TrainingPrecision? Precision = null,
    IReadOnlyList<string>? Notes = null,
    string? Error = null,
    int? ProcessId = null,
    string? Host = null)
{
    public const string Running = "running";
    public const string Completed = "completed";
    public const string Failed = "failed";

    /// <summary>Stopped by the user (Ctrl-C) with its last checkpoint kept: <c>train --resume</c> continues it.</summary>
    public const string Interrupted = "interrupted";

    /// <summary>
    /// What readers show for a run whose run.json still says <see cref="Running"/> though its process is gone (killed,
    /// a power cut): see <see cref="RunHeartbeat.StatusOf"/>. Never written: a killed process cannot write.
    /// </summary>
    public const string Killed = "interrupted (killed)";
}

/// <summary>The data a run used: its fingerprint, classes, counts per set and class, the files left out, and the files used with a warning.</summary>
public sealed record DatasetRecord(
    string Fingerprint,
    IReadOnlyList<string> Classes,
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, int>> Counts,
    IReadOnlyList<SkippedFile> Skipped,
    IReadOnlyList<FileWarning>? Warnings = null);

/// <summary><c>dataset.json</c>: every image of each set with its label and size.</summary>
public sealed record DatasetFiles(IReadOnlyList<LabeledImage> Train, IReadOnlyList<LabeledImage> Validation, IReadOnlyList<LabeledImage> Test);

/// <summary><c>metrics.json</c>: the test set's metrics, and the validation set's where it has images.</summary>
/// <param name="Test">The test set's, with the saved model's scores (calibrated where the run is).</param>
/// <param name="Validation">The validation set's, the same way.</param>
/// <param name="Temperature">The temperature fitted by <c>"calibration": "temperature"</c>; null without.</param>
/// <param name="TestBeforeScaling">With a temperature: the test set's metrics before it, for the comparison.</param>
/// <param name="ValidationBeforeScaling">With a temperature: the validation set's before it.</param>
public sealed record RunMetrics(Evaluation.EvaluationMetrics Test, Evaluation.EvaluationMetrics? Validation, double? Temperature = null,
    Evaluation.EvaluationMetrics? TestBeforeScaling = null, Evaluation.EvaluationMetrics? ValidationBeforeScaling = null);
