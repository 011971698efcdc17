using MLNetTransfer.Backbones;
using MLNetTransfer.Data;
using MLNetTransfer.Experiments;
using MLNetTransfer.Tests.Support;
using SkiaSharp;

namespace MLNetTransfer.Tests.Data;

/// <summary>Photo folders as they come from the internet: broken, odd and hostile files among the good ones.</summary>
public sealed class DirtyDatasetTests : IDisposable
{
    readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    static SKBitmap Picture(int width, int height, SKColorType type = SKColorType.Rgba8888)
    {
        var bitmap = new SKBitmap(new SKImageInfo(width, height, type, SKAlphaType.Opaque));
        using var canvas = new SKCanvas(bitmap);
        canvas.Clear(SKColors.SkyBlue);
        using var paint = new SKPaint { Color = SKColors.DarkOrange };
        canvas.DrawCircle(width / 2f, height / 2f, Math.Min(width, height) / 3f, paint);
        return bitmap;
    }

    [Fact]
    public void Broken_files_are_skipped_with_their_reason_odd_formats_are_used_and_the_run_completes()
    {
        SyntheticPets.Generate(folder["data/synthetic"], imagesPerClass: 10, imageSize: 96, seed: 5);
        string Bad(string name, byte[] bytes) => Write("cat/" + name, bytes);
        string Odd(string name, byte[] bytes) => Write("dog/" + name, bytes);
        string Write(string relative, byte[] bytes)
        {
            var path = folder["data/synthetic/" + relative];
            File.WriteAllBytes(path, bytes);
            return path;
        }

        using var photo = Picture(300, 200);
        var jpeg = EncodedImage.Jpeg(photo);
        var expected = new Dictionary<string, string>
        {
            [Bad("empty.jpg", [])] = "empty file",
            [Bad("notes.jpg", "this is not a photo\n"u8.ToArray())] = "not a decodable image",
            [Bad("truncated.jpg", jpeg[..(jpeg.Length / 2)])] = "damaged image data",
            [Bad("bomb.png", PngWriter.Write(50000, 50000, 2, 8, new byte[50001]))] = "50000 x 50000 pixels is over the limit",
            [Bad("readme.txt", "photos of cats\n"u8.ToArray())] = "not an image extension",
            [Bad("scan.tif", [0x49, 0x49, 0x2A, 0x00, 8, 0, 0, 0])] = "not an image extension",
        };
        using (var grey = Picture(120, 90, SKColorType.Gray8)) Odd("grey.jpg", EncodedImage.Jpeg(grey));
        Odd("palette.png", PngWriter.Write(40, 30, 3, 8, PngWriter.Scanlines(40, 30, 1, (x, y, _) => (byte)((x + y) % 2)), [255, 0, 0, 0, 0, 255]));
        Odd("sixteen-bit.png", PngWriter.Write(40, 30, 2, 16, PngWriter.Scanlines(40, 30, 6, (x, _, c) => (byte)(c % 2 == 0 ? x * 6 : 0))));
        Odd("cmyk.jpg", File.ReadAllBytes(CmykJpeg));
        using (var tiny = Picture(1, 1)) Odd("tiny.png", EncodedImage.Png(tiny));
        using (var large = Picture(4000, 3000)) Odd("large.jpg", EncodedImage.Jpeg(large, 70));
        // A phone photo stored sideways with EXIF orientation 6 (rotate 90 degrees clockwise to view).
        var rotated = Odd("rotated.jpg", ExifJpeg.Encode(photo, 6));

        var result = new ExperimentRunner().Run(Configs.Read(Configs.Synthetic(folder, imagesPerClass: 10)));

        var skipped = result.Record.Dataset.Skipped.ToDictionary(s => s.Path, s => s.Reason);
        Assert.Equal(expected.Keys.Order(), skipped.Keys.Order());
        foreach (var (path, reason) in expected) Assert.Contains(reason, skipped[path]);
        // Counts add up: 10 generated per class, plus the seven odd but readable dog images.
        var counts = result.Record.Dataset.Counts;
        Assert.Equal(10, counts.Values.Sum(set => set["cat"]));
        Assert.Equal(17, counts.Values.Sum(set => set["dog"]));
        // The rotated photo is used, and the run says that its orientation is not applied.
        var warning = Assert.Single(result.Record.Dataset.Warnings!);
        Assert.Equal(rotated, warning.Path);
        Assert.StartsWith("EXIF orientation RightTop is not applied", warning.Warning);
        Assert.Equal(counts["test"].Values.Sum(), result.Metrics.Test.Count);
        Assert.Equal("completed", result.Record.Status);
    }

    /// <summary>Written by ImageMagick (Adobe marker, YCCK as Photoshop saves CMYK): 48 x 64, red above blue.</summary>
    static readonly string CmykJpeg = Path.Combine(AppContext.BaseDirectory, "Data", "Fixtures", "cmyk-red-over-blue.jpg");

    [Fact]
    public void A_cmyk_jpeg_reaches_the_network_as_rgb_with_its_colours()
    {
        var backbone = BundledBackbones.ResNet18();
        var pixels = BackbonePixels.Of(backbone, CmykJpeg);

        // Planar in the backbone's channel order; the centre 48 x 48 crop keeps 24 rows of each colour.
        var plane = backbone.Width * backbone.Height;
        var (red, blue) = backbone.ChannelOrder == ChannelOrder.Rgb ? (0, 2) : (2, 0);
        float At(int channel, int row) => pixels[channel * plane + row * backbone.Width + backbone.Width / 2];
        var (top, bottom) = (backbone.Height / 4, backbone.Height * 3 / 4);
        Assert.True(At(red, top) > 200 && At(1, top) < 60 && At(blue, top) < 60, $"top should be red, got {At(red, top)}, {At(1, top)}, {At(blue, top)}");
        Assert.True(At(blue, bottom) > 200 && At(1, bottom) < 60 && At(red, bottom) < 60, $"bottom should be blue, got {At(red, bottom)}, {At(1, bottom)}, {At(blue, bottom)}");
    }
}
