using MLNetTransfer.Core;
using SkiaSharp;

namespace MLNetTransfer.Imaging;

/// <summary>Draws a heat-map over the image it explains, in the jet colour map at alpha 0.4, as the book does.</summary>
public static class HeatmapOverlay
{
    /// <summary>Writes a PNG of <paramref name="rgb"/> (planar RGB 0-255, [3 * height * width]) with <paramref name="heatmap"/> ([height * width], 0-1) over it.</summary>
    public static void Write(string path, float[] rgb, float[] heatmap, int width, int height, double alpha = 0.4)
    {
        using var bitmap = new SKBitmap(width, height);
        var plane = width * height;
        for (var y = 0; y < height; y++)
            for (var x = 0; x < width; x++)
            {
                var i = y * width + x;
                var (r, g, b) = ColorMaps.Jet(heatmap[i]);
                byte Blend(float image, double heat) => (byte)Math.Clamp(Math.Round((1 - alpha) * image + alpha * heat), 0, 255);
                bitmap.SetPixel(x, y, new SKColor(Blend(rgb[i], r), Blend(rgb[plane + i], g), Blend(rgb[2 * plane + i], b)));
            }
        PngFile.Save(bitmap, path);
    }

    /// <summary>
    /// A map [height * width] scaled bilinearly to [toHeight * toWidth], each pixel's centre mapped onto the map's (as
    /// TorchSharp's interpolate does without align_corners): a model's small Heatmap column at the image's size.
    /// </summary>
    public static float[] Upsample(float[] map, int height, int width, int toHeight, int toWidth)
    {
        var result = new float[toHeight * toWidth];
        Upsample(map, height, width, result, toHeight, toWidth);
        return result;
    }

    /// <summary>As above, into <paramref name="result"/> [toHeight * toWidth], so that a loop over photos reuses one buffer.</summary>
    public static void Upsample(ReadOnlySpan<float> map, int height, int width, Span<float> result, int toHeight, int toWidth)
    {
        // Where an output pixel's centre falls on the map, and its two neighbours' weights.
        static (int Low, int High, float Weight)[] Axis(int from, int to)
        {
            var scale = (double)from / to;
            return Enumerable.Range(0, to).Select(i =>
            {
                var source = Math.Max(0, (i + 0.5) * scale - 0.5);
                var low = Math.Min((int)source, from - 1);
                return (low, Math.Min(low + 1, from - 1), (float)(source - low));
            }).ToArray();
        }
        var (rows, columns) = (Axis(height, toHeight), Axis(width, toWidth));
        for (var y = 0; y < toHeight; y++)
        {
            var (top, bottom, dy) = rows[y];
            for (var x = 0; x < toWidth; x++)
            {
                var (left, right, dx) = columns[x];
                var upper = map[top * width + left] * (1 - dx) + map[top * width + right] * dx;
                var lower = map[bottom * width + left] * (1 - dx) + map[bottom * width + right] * dx;
                result[y * toWidth + x] = upper * (1 - dy) + lower * dy;
            }
        }
    }
}
