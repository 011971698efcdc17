using SkiaSharp;

namespace MLNetTransfer.Tests.Support;

/// <summary>A valid 8 x 8 PNG.</summary>
public static class TinyPng
{
    public static byte[] Bytes { get; } = Make();

    static byte[] Make()
    {
        using var bitmap = new SKBitmap(8, 8);
        bitmap.Erase(SKColors.OrangeRed);
        return EncodedImage.Png(bitmap);
    }
}
