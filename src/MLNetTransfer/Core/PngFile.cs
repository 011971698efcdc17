using SkiaSharp;

namespace MLNetTransfer.Core;

/// <summary>Saves pictures as PNG through a temporary file, so no reader sees half a picture.</summary>
internal static class PngFile
{
    public static void Save(SKBitmap bitmap, string path)
    {
        using var image = SKImage.FromBitmap(bitmap);
        using var png = image.Encode(SKEncodedImageFormat.Png, 100);
        AtomicFile.Write(path, temporary =>
        {
            using var file = File.Create(temporary);
            png.SaveTo(file);
        });
    }
}
