using SkiaSharp;

namespace MLNetTransfer.Tests.Support;

/// <summary>JPEG files as phones write them: the stored pixels plus an EXIF orientation tag saying how to view them.</summary>
public static class ExifJpeg
{
    /// <summary>Encodes <paramref name="stored"/> as a JPEG whose EXIF says <paramref name="orientation"/> (1-8).</summary>
    public static byte[] Encode(SKBitmap stored, int orientation, int quality = 95)
    {
        var jpeg = EncodedImage.Jpeg(stored, quality);
        // APP1 "Exif": a big-endian TIFF header and one IFD entry, Orientation (0x0112), SHORT, count 1.
        byte[] exif = [0xFF, 0xE1, 0x00, 0x22, (byte)'E', (byte)'x', (byte)'i', (byte)'f', 0, 0,
            (byte)'M', (byte)'M', 0, 0x2A, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, (byte)orientation, 0, 0, 0, 0, 0, 0];
        return [.. jpeg[..2], .. exif, .. jpeg[2..]];
    }
}
