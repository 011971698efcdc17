using System.IO.Compression;

namespace MLNetTransfer.Tests.Support;

/// <summary>
/// Writes PNGs byte by byte, for the formats an encoder will not produce on request: palette and 16-bit images, and
/// headers that lie about their size.
/// </summary>
public static class PngWriter
{
    /// <summary>A PNG of <paramref name="width"/> x <paramref name="height"/> with the given IHDR colour type and bit depth, and raw scanlines.</summary>
    public static byte[] Write(int width, int height, byte colorType, byte bitDepth, byte[] scanlines, byte[]? palette = null)
    {
        using var png = new MemoryStream();
        png.Write([137, 80, 78, 71, 13, 10, 26, 10]);
        var header = new byte[13];
        BigEndian(header, 0, width);
        BigEndian(header, 4, height);
        (header[8], header[9]) = (bitDepth, colorType);
        Chunk(png, "IHDR", header);
        if (palette is not null) Chunk(png, "PLTE", palette);
        using (var compressed = new MemoryStream())
        {
            using (var zlib = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true)) zlib.Write(scanlines);
            Chunk(png, "IDAT", compressed.ToArray());
        }
        Chunk(png, "IEND", []);
        return png.ToArray();
    }

    /// <summary>Scanlines of a <paramref name="width"/> x <paramref name="height"/> image, <paramref name="bytesPerPixel"/> per pixel, each with filter 0.</summary>
    public static byte[] Scanlines(int width, int height, int bytesPerPixel, Func<int, int, int, byte> value)
    {
        var rows = new byte[height * (1 + width * bytesPerPixel)];
        for (var y = 0; y < height; y++)
            for (var i = 0; i < width * bytesPerPixel; i++)
                rows[y * (1 + width * bytesPerPixel) + 1 + i] = value(i / bytesPerPixel, y, i % bytesPerPixel);
        return rows;
    }

    static void Chunk(Stream png, string type, byte[] data)
    {
        var length = new byte[4];
        BigEndian(length, 0, data.Length);
        png.Write(length);
        var typed = System.Text.Encoding.ASCII.GetBytes(type).Concat(data).ToArray();
        png.Write(typed);
        var crc = new byte[4];
        BigEndian(crc, 0, (int)Crc32(typed));
        png.Write(crc);
    }

    static void BigEndian(byte[] target, int offset, int value)
    {
        for (var i = 0; i < 4; i++) target[offset + i] = (byte)(value >> (24 - 8 * i));
    }

    static uint Crc32(byte[] data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++) crc = (crc & 1) != 0 ? 0xEDB88320u ^ (crc >> 1) : crc >> 1;
        }
        return ~crc;
    }
}
