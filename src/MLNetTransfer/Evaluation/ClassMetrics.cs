namespace MLNetTransfer.Evaluation;

/// <summary>How well one class is recognised.</summary>
/// <param name="Class">The class name.</param>
/// <param name="Precision">Of the images predicted as this class, the share that are.</param>
/// <param name="Recall">Of the images of this class, the share predicted as it.</param>
/// <param name="F1">Harmonic mean of precision and recall (0 where both are 0).</param>
/// <param name="Support">Number of images of this class.</param>
/// <param name="Auc">One-vs-rest area under the ROC curve of this class's probability; null where the set lacks this class or has only it.</param>
public sealed record ClassMetrics(string Class, double Precision, double Recall, double F1, int Support, double? Auc = null);
