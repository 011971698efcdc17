namespace MLNetTransfer.Evaluation;

/// <summary>The numbers written to <c>metrics.json</c> for one set of images.</summary>
/// <param name="Count">Images evaluated.</param>
/// <param name="Accuracy">Share of images classified correctly (ML.NET's micro-accuracy).</param>
/// <param name="MacroAccuracy">Mean of the per-class recalls (ML.NET's macro-accuracy).</param>
/// <param name="LogLoss">Mean negative log-probability of the true class.</param>
/// <param name="Classes">Class names, in key order (sorted).</param>
/// <param name="PerClass">Precision, recall and F1 per class.</param>
/// <param name="ConfusionMatrix">Counts: row = true class, column = predicted class, both in <paramref name="Classes"/> order.</param>
/// <param name="Auc">Area under the ROC curve of the second class's probability, for two classes; otherwise null.</param>
public sealed record EvaluationMetrics(
    int Count,
    double Accuracy,
    double MacroAccuracy,
    double LogLoss,
    IReadOnlyList<string> Classes,
    IReadOnlyList<ClassMetrics> PerClass,
    IReadOnlyList<IReadOnlyList<long>> ConfusionMatrix,
    double? Auc);
