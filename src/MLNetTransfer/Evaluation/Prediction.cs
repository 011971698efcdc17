namespace MLNetTransfer.Evaluation;

/// <summary>The model's answer for one image.</summary>
/// <param name="ImagePath">The image file.</param>
/// <param name="Label">The true class, where known (null at prediction time).</param>
/// <param name="PredictedLabel">The class with the highest score.</param>
/// <param name="Scores">Probability of each class, in the order of the run's classes.</param>
public sealed record Prediction(string ImagePath, string? Label, string PredictedLabel, float[] Scores);
