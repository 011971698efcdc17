namespace MLNetTransfer.Evaluation;

/// <summary>The share of images whose true class is among the model's <paramref name="K"/> highest scores.</summary>
public sealed record TopKAccuracy(int K, double Accuracy);
