using System.Runtime.InteropServices;
using Microsoft.ML.Data;
using SkiaSharp;

namespace MLNetTransfer.Pipelines.Orientation;

/// <summary>
/// The EXIF orientation a camera stores beside a photo's pixels, and the pixels turned upright by it. ML.NET's image
/// loader reads the stored pixels only, so a phone photo taken upright reaches it lying on its side.
/// </summary>
public static class ExifOrientation
{
    /// <summary>The orientation recorded in <paramref name="path"/> (read from its header); TopLeft (upright) when none.</summary>
    public static SKEncodedOrigin Read(string path)
    {
        using var codec = SKCodec.Create(path);
        return codec?.EncodedOrigin ?? SKEncodedOrigin.TopLeft;
    }

    /// <summary>
    /// <paramref name="image"/> as it is meant to be viewed: the same object when <paramref name="origin"/> is upright,
    /// otherwise a new image mirrored and turned as the EXIF specification defines.
    /// </summary>
    public static MLImage Upright(MLImage image, SKEncodedOrigin origin)
    {
        if (origin is SKEncodedOrigin.TopLeft or < SKEncodedOrigin.TopLeft or > SKEncodedOrigin.LeftBottom) return image;
        var (w, h) = (image.Width, image.Height);
        var (width, height) = origin >= SKEncodedOrigin.LeftTop ? (h, w) : (w, h);
        // Whole 32-bit pixels move, so the byte order of the loader's pixel format does not matter.
        var stored = MemoryMarshal.Cast<byte, uint>(image.Pixels);
        var upright = new uint[width * height];
        for (var y = 0; y < height; y++)
        for (var x = 0; x < width; x++)
        {
            // The stored pixel seen at (x, y).
            var (sx, sy) = origin switch
            {
                SKEncodedOrigin.TopRight => (w - 1 - x, y),
                SKEncodedOrigin.BottomRight => (w - 1 - x, h - 1 - y),
                SKEncodedOrigin.BottomLeft => (x, h - 1 - y),
                SKEncodedOrigin.LeftTop => (y, x),
                SKEncodedOrigin.RightTop => (y, h - 1 - x),
                SKEncodedOrigin.RightBottom => (w - 1 - y, h - 1 - x),
                _ => (w - 1 - y, x), // LeftBottom
            };
            upright[y * width + x] = stored[sy * w + sx];
        }
        return MLImage.CreateFromPixels(width, height, image.PixelFormat, MemoryMarshal.AsBytes(upright.AsSpan()));
    }
}
