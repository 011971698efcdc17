using MLNetTransfer.Data;
using MLNetTransfer.Evaluation;
using MLNetTransfer.Interpretability.Metrics;
using MLNetTransfer.Experiments;
using MLNetTransfer.Training;

namespace MLNetTransfer.Reports;

/// <summary><c>report.json</c>: every number the run's report shows, for machines.</summary>
/// <param name="Experiment">The experiment's name.</param>
/// <param name="Description">Its description, if the config has one.</param>
/// <param name="Run">run.json as written.</param>
/// <param name="Config">config.json's text, every default filled in.</param>
/// <param name="Test">The test set's metrics (metrics.json).</param>
/// <param name="Validation">The validation set's, where there was one.</param>
/// <param name="History">Trained networks: one entry per epoch.</param>
/// <param name="Roc">Two classes: the ROC curve of the second class's probability on the test set.</param>
/// <param name="Mistakes">The most confident wrong answers on the test set, most confident first.</param>
/// <param name="LeastConfident">The least confident right answers, least confident first.</param>
/// <param name="Quality">The main heat-map method's quality over the test set (Grad-CAM by default).</param>
/// <param name="Unexplained">Why the run's pictures (Grad-CAM, activations, filters) are missing, where they are.</param>
/// <param name="Ranking">The heat-map methods ranked on test images spread over the set, best first; null where none were ranked.</param>
/// <param name="Figures">The report's pictures by section, as files in <see cref="ReportWriter.FiguresFolder"/>.</param>
/// <param name="LeftOut">Test images (missing or damaged since training) and masks (another shape than their image) the pictures and figures left out, and why.</param>
/// <param name="ModelHeatmap">The size [rows, columns] of the Grad-CAM map in model.zip's Heatmap column; null where the model has none.</param>
/// <param name="Temperature">The temperature folded into model.zip (<c>"calibration": "temperature"</c>); null without.</param>
/// <param name="TestBeforeScaling">With a temperature: the test set's metrics before it.</param>
/// <param name="ValidationBeforeScaling">With a temperature: the validation set's before it.</param>
/// <param name="Suspects">The training photos whose given label out-of-fold heads find least likely, most suspect first (suspects.csv's first rows).</param>
/// <param name="NoSuspects">Why the run has no suspects, where it has none.</param>
/// <param name="LearningRateSweep">The learning-rate sweep of <c>train --lr-find</c>; null where the run has none.</param>
public sealed record RunReport(
    string Experiment,
    RunRecord Run,
    string Config,
    EvaluationMetrics Test,
    IReadOnlyList<EpochReport> History,
    IReadOnlyList<RocPoint> Roc,
    IReadOnlyList<ExampleImage> Mistakes,
    IReadOnlyList<ExampleImage> LeastConfident,
    IReadOnlyDictionary<string, IReadOnlyList<Figure>> Figures,
    string? Description = null,
    EvaluationMetrics? Validation = null,
    HeatmapQuality? Quality = null,
    string? Unexplained = null,
    IReadOnlyList<RankedMethod>? Ranking = null,
    int[]? ModelHeatmap = null,
    IReadOnlyList<SkippedFile>? LeftOut = null,
    double? Temperature = null,
    EvaluationMetrics? TestBeforeScaling = null,
    EvaluationMetrics? ValidationBeforeScaling = null,
    IReadOnlyList<ExampleImage>? Suspects = null,
    string? NoSuspects = null,
    LearningRateSweep? LearningRateSweep = null);

/// <summary>One point of the ROC curve.</summary>
public sealed record RocPoint(double FalsePositiveRate, double TruePositiveRate);

/// <summary>A test image (or a suspected training image) shown in the report with its Grad-CAM overlay.</summary>
/// <param name="Image">The image file.</param>
/// <param name="Label">Its true class (for a training image, its given label).</param>
/// <param name="Predicted">The model's class.</param>
/// <param name="Probability">The model's probability for its class.</param>
/// <param name="Overlay">The overlay's file name in the figures folder, explaining the predicted class; empty where the run cannot be explained.</param>
/// <param name="TrueClassOverlay">For a mistake, the overlay explaining the true class; empty otherwise.</param>
/// <param name="LabelProbability">For a suspected mislabel, the probability of its given label; null otherwise.</param>
public sealed record ExampleImage(string Image, string Label, string Predicted, double Probability, string Overlay, string TrueClassOverlay = "", double? LabelProbability = null);

/// <summary>A picture of the report: its file in the figures folder and what it shows.</summary>
public sealed record Figure(string File, string Caption);

