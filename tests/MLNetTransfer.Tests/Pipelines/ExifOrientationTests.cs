using Microsoft.ML;
using Microsoft.ML.Data;
using MLNetTransfer.Backbones;
using MLNetTransfer.Core;
using MLNetTransfer.Data;
using MLNetTransfer.Experiments;
using MLNetTransfer.Pipelines;
using MLNetTransfer.Pipelines.Orientation;
using MLNetTransfer.Tests.Support;
using SkiaSharp;

namespace MLNetTransfer.Tests.Pipelines;

/// <summary>Phone photos stored sideways with an EXIF orientation reach the network upright when asked to.</summary>
public sealed class ExifOrientationTests : IDisposable
{
    readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    // Stored 64 x 32: red top-left quarter, green top-right, blue bottom half.
    static SKBitmap Quadrants()
    {
        var bitmap = new SKBitmap(new SKImageInfo(64, 32, SKColorType.Rgba8888, SKAlphaType.Opaque));
        using var canvas = new SKCanvas(bitmap);
        canvas.Clear(SKColors.Blue);
        using var red = new SKPaint { Color = SKColors.Red };
        using var green = new SKPaint { Color = SKColors.Lime };
        canvas.DrawRect(0, 0, 32, 16, red);
        canvas.DrawRect(32, 0, 32, 16, green);
        return bitmap;
    }

    // Where the stored top-left (red) and top-right (green) quarters are seen, per the EXIF specification's wording
    // of each value ("the 0th row is the visual ..., the 0th column is the visual ..."). The backbone's centre crop of
    // the stored 64 x 32 picture keeps the same layout: red and green above, blue below.
    [Theory]
    [InlineData(1, "top-left", "top-right")]
    [InlineData(2, "top-right", "top-left")]
    [InlineData(3, "bottom-right", "bottom-left")]
    [InlineData(4, "bottom-left", "bottom-right")]
    [InlineData(5, "top-left", "bottom-left")]
    [InlineData(6, "top-right", "bottom-right")]
    [InlineData(7, "bottom-right", "top-right")]
    [InlineData(8, "bottom-left", "top-left")]
    public void Each_orientation_puts_the_stored_corners_where_the_specification_says(int orientation, string red, string green)
    {
        using var stored = Quadrants();
        var path = folder["photo.jpg"];
        File.WriteAllBytes(path, ExifJpeg.Encode(stored, orientation));

        var backbone = BundledBackbones.ResNet18() with { ApplyExifOrientation = true };
        var pixels = BackbonePixels.Of(backbone, path);

        SKColor Quarter(string corner)
        {
            var side = backbone.Width;
            var x = corner.EndsWith("left") ? side / 4 : side * 3 / 4;
            var y = corner.StartsWith("top") ? side / 4 : side * 3 / 4;
            byte Pure(int channel) => pixels[channel * side * side + y * side + x] > 128 ? (byte)255 : (byte)0;
            var (r, b) = backbone.ChannelOrder == ChannelOrder.Rgb ? (0, 2) : (2, 0);
            return new SKColor(Pure(r), Pure(1), Pure(b));
        }
        Assert.Equal(SKColors.Red, Quarter(red));
        Assert.Equal(SKColors.Lime, Quarter(green));
    }

    [Fact]
    public void A_run_that_applies_orientation_trains_without_warnings_and_its_saved_model_turns_photos_upright()
    {
        SyntheticPets.Generate(folder["data/synthetic"], imagesPerClass: 12, imageSize: 128, seed: 3);
        // Upright, the photo is orange on the left; the camera stored it turned a quarter to the left, with orientation 6.
        using var upright = new SKBitmap(new SKImageInfo(160, 120, SKColorType.Rgba8888, SKAlphaType.Opaque));
        using (var canvas = new SKCanvas(upright))
        {
            canvas.Clear(SKColors.SteelBlue);
            using var paint = new SKPaint { Color = SKColors.DarkOrange };
            canvas.DrawRect(0, 0, 60, 120, paint);
        }
        using var sideways = new SKBitmap(new SKImageInfo(120, 160, SKColorType.Rgba8888, SKAlphaType.Opaque));
        using (var canvas = new SKCanvas(sideways))
        {
            canvas.Translate(0, 160);
            canvas.RotateDegrees(-90);
            canvas.DrawBitmap(upright, 0, 0);
        }
        var phonePhoto = folder["data/synthetic/dog/phone.jpg"];
        File.WriteAllBytes(phonePhoto, ExifJpeg.Encode(sideways, 6, quality: 100));
        var uprightFile = folder["upright.png"];
        File.WriteAllBytes(uprightFile, EncodedImage.Png(upright));

        var config = Configs.Synthetic(folder);
        File.WriteAllText(config, File.ReadAllText(config).Replace("\"dataset\": {", "\"dataset\": { \"exifOrientation\": \"apply\","));
        var result = new ExperimentRunner().Run(Configs.Read(config));
        Assert.Equal("completed", result.Record.Status);
        Assert.True(result.Record.Dataset.Warnings is null or { Count: 0 }, "no orientation warning when it is applied");
        Assert.True(result.Record.Backbone.ApplyExifOrientation);

        // As an application loads it: MLContext.Model.Load, after registering the assembly that holds the mapping.
        var ml = new MLContext();
        ml.ComponentCatalog.RegisterAssembly(typeof(UprightImageFactory).Assembly);
        var model = ml.Model.Load(Path.Combine(result.Folder, "model.zip"), out _);
        var pixelsName = result.Record.Backbone.PixelsName;
        float[] Pixels(ITransformer transformer, string file)
        {
            var data = ml.Data.LoadFromEnumerable([new ImageInput { ImagePath = file }]);
            return transformer.Transform(data).GetColumn<float[]>(pixelsName).Single();
        }
        static double MeanDifference(float[] a, float[] b) => a.Zip(b, (x, y) => Math.Abs(x - y)).Average();

        var seen = Pixels(model, phonePhoto);
        Assert.True(MeanDifference(seen, Pixels(model, uprightFile)) < 3, "the saved model sees the phone photo as the upright picture");
        // Without the mapping the same file reaches the network on its side: the comparison above can fail.
        var asStored = ml.Transforms.ExtractBackbonePixels(BundledBackbones.ResNet18(), pixelsName).Fit(ml.Data.LoadFromEnumerable(Array.Empty<ImageInput>()));
        Assert.True(MeanDifference(seen, Pixels(asStored, phonePhoto)) > 30, "read as stored, the photo differs");
    }
}
