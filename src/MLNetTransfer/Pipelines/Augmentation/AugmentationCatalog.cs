using Microsoft.ML;

namespace MLNetTransfer.Pipelines.Augmentation;

/// <summary>The catalog entry point: <c>mlContext.Transforms.AugmentImages(...)</c>.</summary>
public static class AugmentationCatalog
{
    /// <param name="catalog">The transforms catalog.</param>
    /// <param name="columnName">The pixel column, replaced by its augmented version.</param>
    /// <param name="width">Image width in pixels.</param>
    /// <param name="height">Image height in pixels.</param>
    /// <param name="options">What to change and by how much.</param>
    /// <param name="seed">Seeds every draw; pass p, row r always gets the same changes.</param>
    /// <param name="pixelScale">The scale ExtractPixels applied (fills and clamping are in 0-255 times this). Default: 1.</param>
    public static ImageAugmentingEstimator AugmentImages(this TransformsCatalog catalog, string columnName, int width, int height,
        AugmentationOptions options, int seed, float pixelScale = 1) => new(columnName, width, height, options, seed, pixelScale);
}
