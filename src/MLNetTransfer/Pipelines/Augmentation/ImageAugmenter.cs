using TorchSharp;
using static TorchSharp.torch;

namespace MLNetTransfer.Pipelines.Augmentation;

/// <summary>
/// Applies <see cref="AugmentationOptions"/> to a batch of images [N, C, H, W] at once: one affine grid per image and a
/// single bilinear grid sample for all geometry, then brightness and contrast. Works on pixels as ML.NET extracts them
/// (0-255 times <paramref name="pixelScale"/>), before any mean subtraction, so fills and clamping mean what they say.
/// </summary>
public sealed class ImageAugmenter(AugmentationOptions options, int seed, float pixelScale = 1)
{
    /// <summary>The draws for the images with these indices in this epoch.</summary>
    internal IReadOnlyList<AugmentationDraw> Draw(int epoch, IReadOnlyList<int> indices, int width, int height) =>
        indices.Select(i => AugmentationDraw.For(options, seed, epoch, i, width, height)).ToList();

    /// <summary>Augmented copies of <paramref name="images"/>; image k is the training image <c>indices[k]</c>.</summary>
    public Tensor Apply(Tensor images, int epoch, IReadOnlyList<int> indices)
    {
        var (height, width) = ((int)images.shape[2], (int)images.shape[3]);
        return Apply(images, Draw(epoch, indices, width, height));
    }

    internal Tensor Apply(Tensor images, IReadOnlyList<AugmentationDraw> draws)
    {
        using var scope = NewDisposeScope();
        var (height, width) = (images.shape[2], images.shape[3]);
        var x = images;
        if (draws.Any(d => !d.Affine.SequenceEqual(AugmentationDraw.Identity.Affine)))
        {
            // affine_grid works in [-1, 1] (pixel centres, align_corners = false): rescale each pixel-unit map into it.
            var theta = tensor(draws.SelectMany(d =>
            {
                var m = d.Affine;
                return new[] { m[0], m[1] * height / width, m[2] * 2 / width, m[3] * width / height, m[4], m[5] * 2 / height };
            }).Select(v => (float)v).ToArray(), [draws.Count, 2, 3]);
            var grid = nn.functional.affine_grid(theta, [images.shape[0], images.shape[1], height, width], align_corners: false);
            if (options.FillMode == FillMode.Wrap) grid = (grid + 1).remainder(2) - 1;
            var padding = options.FillMode switch
            {
                FillMode.Reflect => GridSamplePaddingMode.Reflection,
                FillMode.Constant => GridSamplePaddingMode.Zeros,
                _ => GridSamplePaddingMode.Border,
            };
            var fill = (float)options.FillValue * pixelScale;
            x = nn.functional.grid_sample(x - fill, grid, GridSampleMode.Bilinear, padding, align_corners: false) + fill;
        }
        if (draws.Any(d => d.Brightness != 1 || d.Contrast != 1))
        {
            var brightness = tensor(draws.Select(d => (float)d.Brightness).ToArray()).reshape(-1, 1, 1, 1);
            var contrast = tensor(draws.Select(d => (float)d.Contrast).ToArray()).reshape(-1, 1, 1, 1);
            x = x * brightness;
            var mean = x.mean([1, 2, 3], keepdim: true);
            x = ((x - mean) * contrast + mean).clamp(0, 255 * pixelScale);
        }
        return (ReferenceEquals(x, images) ? images.alias() : x).MoveToOuterDisposeScope();
    }
}
