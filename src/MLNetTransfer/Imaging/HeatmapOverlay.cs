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
}
