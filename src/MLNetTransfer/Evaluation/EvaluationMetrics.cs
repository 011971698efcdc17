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
/// <param name="TopK">Top-k accuracy for k = 2, 3 and 5, each where there are more than k classes.</param>
/// <param name="MacroF1">Mean of the per-class F1 scores.</param>
/// <param name="WeightedF1">Mean of the per-class F1 scores weighted by each class's support.</param>
/// <param name="MeanAuc">Mean of the per-class one-vs-rest AUCs that exist.</param>
/// <param name="MostConfused">Off-diagonal cells of the confusion matrix with a count, largest first (at most 10).</param>
/// <param name="Calibration">Reliability diagram and expected calibration error of the top class's probability.</param>
/// <remarks>The fields after <paramref name="Auc"/> are null in metrics.json files written before they existed.</remarks>
public sealed record EvaluationMetrics(
    int Count,
    double Accuracy,
    double MacroAccuracy,
    double LogLoss,
    IReadOnlyList<string> Classes,
    IReadOnlyList<ClassMetrics> PerClass,
    IReadOnlyList<IReadOnlyList<long>> ConfusionMatrix,
    double? Auc,
    IReadOnlyList<TopKAccuracy>? TopK = null,
    double? MacroF1 = null,
    double? WeightedF1 = null,
    double? MeanAuc = null,
    IReadOnlyList<ConfusedPair>? MostConfused = null,
    Calibration? Calibration = null);
