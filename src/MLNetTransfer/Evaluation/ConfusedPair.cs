namespace MLNetTransfer.Evaluation;

/// <summary>Images of class <paramref name="True"/> predicted as <paramref name="Predicted"/>, as fastai's <c>most_confused</c> lists them.</summary>
public sealed record ConfusedPair(string True, string Predicted, long Count);
