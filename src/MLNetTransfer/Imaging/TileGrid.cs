using MLNetTransfer.Core;
using SkiaSharp;

namespace MLNetTransfer.Imaging;

/// <summary>
/// Lays pictures out as a grid with an optional title line, like the book's matshow figures: activations channel by
/// channel, filters, augmented copies. Small tiles are enlarged (nearest pixel) so a 7 x 7 map stays readable.
/// </summary>
public static class TileGrid
{
    const int Gap = 4;
    const int TitleHeight = 22;

    /// <param name="path">The PNG to write.</param>
    /// <param name="tiles">Each tile as planar RGB 0-255, [3 * height * width].</param>
    /// <param name="width">Tile width.</param>
    /// <param name="height">Tile height.</param>
    /// <param name="title">Text above the grid; none where null.</param>
    /// <param name="minimumTileSize">Tiles narrower than this are enlarged by a whole factor to reach it. Default: 64.</param>
    public static void Write(string path, IReadOnlyList<float[]> tiles, int width, int height, string? title = null, int minimumTileSize = 64)
    {
        var zoom = Math.Max(1, (int)Math.Ceiling((double)minimumTileSize / Math.Max(width, height)));
        var (tileWidth, tileHeight) = (width * zoom, height * zoom);
        var columns = (int)Math.Ceiling(Math.Sqrt(tiles.Count));
        var rows = (tiles.Count + columns - 1) / columns;
        var top = title is null ? 0 : TitleHeight;
        using var paint = new SKPaint { Color = SKColors.Black, TextSize = 15, IsAntialias = true, Typeface = SKTypeface.Default };
        var titleWidth = title is null ? 0 : (int)Math.Ceiling(paint.MeasureText(title)) + 4;
        using var grid = new SKBitmap(Math.Max(titleWidth, columns * (tileWidth + Gap) - Gap), top + Math.Max(1, rows * (tileHeight + Gap) - Gap));
        grid.Erase(SKColors.White);
        var plane = width * height;
        for (var k = 0; k < tiles.Count; k++)
        {
            var (left, upper) = (k % columns * (tileWidth + Gap), top + k / columns * (tileHeight + Gap));
            var tile = tiles[k];
            for (var y = 0; y < tileHeight; y++)
                for (var x = 0; x < tileWidth; x++)
                {
                    var i = y / zoom * width + x / zoom;
                    byte Channel(int c) => (byte)Math.Clamp(MathF.Round(tile[c * plane + i]), 0, 255);
                    grid.SetPixel(left + x, upper + y, new SKColor(Channel(0), Channel(1), Channel(2)));
                }
        }
        if (title is not null)
        {
            using var canvas = new SKCanvas(grid);
            canvas.DrawText(title, 2, TitleHeight - 6, paint);
        }
        PngFile.Save(grid, path);
    }
}
