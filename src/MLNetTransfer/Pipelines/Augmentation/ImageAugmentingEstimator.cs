using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNetTransfer.Pipelines.Augmentation;

/// <summary>
/// Random augmentation of an image column (pixels as <c>ExtractPixels</c> gives them: planar, [3 * height * width]),
/// new on every pass over the data and reproducible from the seed. See <see cref="AugmentationOptions"/>.
/// </summary>
public sealed class ImageAugmentingEstimator(string columnName, int width, int height, AugmentationOptions options, int seed, float pixelScale)
    : IEstimator<ImageAugmentingTransformer>
{
    public ImageAugmentingTransformer Fit(IDataView input)
    {
        var column = input.Schema.GetColumnOrNull(columnName);
        if (column?.Type is not VectorDataViewType { ItemType: NumberDataViewType, Size: > 0 } vector || vector.ItemType != NumberDataViewType.Single || vector.Size != 3 * width * height)
            throw new ArgumentOutOfRangeException(nameof(input), $"column '{columnName}' must be a vector of {3 * width * height} Single pixels [3 * {height} * {width}] (ExtractPixels' output)");
        return new ImageAugmentingTransformer(columnName, width, height, new ImageAugmenter(options, seed, pixelScale));
    }

    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        var column = inputSchema.FirstOrDefault(c => c.Name == columnName);
        if (column.Name is null || column.Kind != SchemaShape.Column.VectorKind.Vector || column.ItemType != NumberDataViewType.Single)
            throw new ArgumentOutOfRangeException(nameof(inputSchema), $"column '{columnName}' must be a known-size vector of Single pixels [3 * {height} * {width}] (ExtractPixels' output)");
        return inputSchema;
    }
}
