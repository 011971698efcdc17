using Microsoft.ML;
using Microsoft.ML.Data;
using MLNetTransfer.Backbones;
using MLNetTransfer.Core;
using MLNetTransfer.Imaging;
using static TorchSharp.torch;

namespace MLNetTransfer.Pipelines.Augmentation;

/// <summary>A grid of augmented versions of one image, like the book's figure of ImageDataGenerator's output.</summary>
public static class AugmentationPreview
{
    /// <summary>Writes a 3 x 3 grid: <paramref name="image"/> and eight augmented versions of it, as training sees them.</summary>
    public static void Write(MLContext ml, Backbone backbone, string image, AugmentationOptions options, int seed, string path, int count = 9)
    {
        var data = ml.Data.LoadFromEnumerable([new ImageInput { ImagePath = image }]);
        var pixels = ml.Transforms.ExtractBackbonePixels(backbone, "Pixels").Fit(data).Transform(data).GetColumn<float[]>("Pixels").Single();
        Write(path, pixels, backbone.Width, backbone.Height, backbone.ChannelOrder == ChannelOrder.Rgb, backbone.Scale,
            new ImageAugmenter(options, seed, backbone.Scale), count);
    }

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
        using var scope = NewDisposeScope();
        var image = tensor(pixels, [1, 3, height, width]);
        var tiles = new List<float[]>();
        for (var k = 0; k < count; k++)
        {
            var tile = (k == 0 ? image : augmenter.Apply(image, k - 1, [0])) / pixelScale;
            tiles.Add((rgb ? tile : tile.flip(1)).data<float>().ToArray());
        }
        TileGrid.Write(path, tiles, width, height);
    }
}
