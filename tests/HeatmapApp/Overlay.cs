using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Image;
using SkiaSharp;

namespace HeatmapApp;

/// <summary>The model's input: a photo's path.</summary>
public sealed class Photo
{
    public string ImagePath { get; set; } = "";
}

/// <summary>What the model outputs for a photo: the class, each class's probability, and where it looked.</summary>
public sealed class Prediction
{
    public string PredictedLabel { get; set; } = "";
    public float[] Score { get; set; } = [];

    /// <summary>The Grad-CAM map of the predicted class, row by row, in [0, 1].</summary>
    public float[] Heatmap { get; set; } = [];
}

public static class Overlay
{
    /// <summary>Scores <paramref name="photo"/> with the model and draws its heat-map over the photo into <paramref name="output"/>.</summary>
    public static (Prediction Prediction, int Rows, int Columns) Draw(string model, string photo, string output)
    {
        var ml = new MLContext();
        var transformer = ml.Model.Load(model, out var input);
        var schema = transformer.GetOutputSchema(input);
        // The map's shape is [1, rows, columns]; the model's resize target, the image column's size.
        var dimensions = ((VectorDataViewType)schema["Heatmap"].Type).Dimensions;
        var (rows, columns) = (dimensions[^2], dimensions[^1]);
        var resized = (ImageDataViewType)schema["Image"].Type;
        var prediction = ml.Model.CreatePredictionEngine<Photo, Prediction>(transformer).Predict(new Photo { ImagePath = photo });

        using var image = SKBitmap.Decode(photo);
        using var surface = SKSurface.Create(new SKImageInfo(image.Width, image.Height));
        surface.Canvas.DrawBitmap(image, 0, 0);
        using var map = new SKBitmap(columns, rows);
        for (var y = 0; y < rows; y++)
            for (var x = 0; x < columns; x++)
                map.SetPixel(x, y, Jet(prediction.Heatmap[y * columns + x]).WithAlpha(102));
        // The model saw the centre of the photo cropped to its input's aspect ratio, then resized: the map covers that crop.
        var scale = Math.Min((float)image.Width / resized.Width, (float)image.Height / resized.Height);
        var (width, height) = (resized.Width * scale, resized.Height * scale);
        var crop = SKRect.Create((image.Width - width) / 2, (image.Height - height) / 2, width, height);
        using var paint = new SKPaint { FilterQuality = SKFilterQuality.Medium };
        surface.Canvas.DrawBitmap(map, crop, paint);
        using var png = surface.Snapshot().Encode(SKEncodedImageFormat.Png, 100);
        using (var file = File.Create(output)) png.SaveTo(file);
        return (prediction, rows, columns);
    }

    // The jet colour map: blue for 0, through cyan, yellow, to red for 1.
    static SKColor Jet(float value)
    {
        static byte Channel(double x) => (byte)(255 * Math.Clamp(1.5 - Math.Abs(x), 0, 1));
        var v = 4 * Math.Clamp(value, 0, 1);
        return new SKColor(Channel(v - 3), Channel(v - 2), Channel(v - 1));
    }
}
