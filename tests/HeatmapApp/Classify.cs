using Microsoft.ML;

namespace HeatmapApp;

/// <summary>What any model.zip of MLNetTransfer outputs for a photo: the class and each class's probability.</summary>
public sealed class Answer
{
    public string PredictedLabel { get; set; } = "";
    public float[] Score { get; set; } = [];
}

public static class Classify
{
    /// <summary>Scores each photo with the model, as an app does: <c>MLContext.Model.Load</c> and a prediction engine.</summary>
    public static IReadOnlyList<Answer> Photos(string model, IEnumerable<string> photos)
    {
        var ml = new MLContext();
        var engine = ml.Model.CreatePredictionEngine<Photo, Answer>(ml.Model.Load(model, out _));
        return photos.Select(photo => engine.Predict(new Photo { ImagePath = photo })).ToList();
    }
}
