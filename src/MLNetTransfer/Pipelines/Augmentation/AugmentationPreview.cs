using SkiaSharp;
using static TorchSharp.torch;

namespace MLNetTransfer.Pipelines.Augmentation;

/// <summary>A grid of augmented versions of one image, like the book's figure of ImageDataGenerator's output.</summary>
public static class AugmentationPreview
{
    /// <summary>
    /// Writes a PNG with the original (top left) and <paramref name="count"/> - 1 augmented versions: epochs 0, 1, ...
    /// of image 0 with <paramref name="augmenter"/>'s seed, exactly what training would see.
    /// </summary>
    /// <param name="path">The PNG to write.</param>
    /// <param name="pixels">The image as ExtractPixels gives it, planar [3 * height * width].</param>
    /// <param name="width">Image width.</param>
    /// <param name="height">Image height.</param>
    /// <param name="rgb">Whether the planes are in RGB order (else BGR).</param>
    /// <param name="pixelScale">The scale ExtractPixels applied.</param>
    /// <param name="augmenter">The augmentation to show.</param>
    /// <param name="count">Tiles in the grid, the original included.</param>
    public static void Write(string path, float[] pixels, int width, int height, bool rgb, float pixelScale, ImageAugmenter augmenter, int count)
    {
        var columns = (int)Math.Ceiling(Math.Sqrt(count));
        var rows = (count + columns - 1) / columns;
        const int gap = 4;
        using var grid = new SKBitmap(columns * (width + gap) - gap, rows * (height + gap) - gap);
        grid.Erase(SKColors.White);
        using (var scope = NewDisposeScope())
        {
            var image = tensor(pixels, [1, 3, height, width]);
            for (var k = 0; k < count; k++)
            {
                var tile = k == 0 ? image : augmenter.Apply(image, k - 1, [0]);
                var values = tile.data<float>().ToArray();
                var (left, top) = (k % columns * (width + gap), k / columns * (height + gap));
                for (var y = 0; y < height; y++)
                    for (var x = 0; x < width; x++)
                    {
                        byte Channel(int plane) => (byte)Math.Clamp(MathF.Round(values[plane * height * width + y * width + x] / pixelScale), 0, 255);
                        var (r, b) = rgb ? (Channel(0), Channel(2)) : (Channel(2), Channel(0));
                        grid.SetPixel(left + x, top + y, new SKColor(r, Channel(1), b));
                    }
            }
        }
        using var picture = SKImage.FromBitmap(grid);
        using var encoded = picture.Encode(SKEncodedImageFormat.Png, 100);
        using var file = File.Create(path);
        encoded.SaveTo(file);
    }
}
