using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNetTransfer.Pipelines.Augmentation;

/// <summary>
/// Augments a pixel column anew on every pass over the data. For training only: it refuses to be saved, so no model
/// that a user loads can contain it.
/// </summary>
public sealed class ImageAugmentingTransformer : ITransformer
{
    readonly string column;
    readonly int width, height;
    readonly ImageAugmenter augmenter;

    internal ImageAugmentingTransformer(string column, int width, int height, ImageAugmenter augmenter)
    {
        this.column = column;
        this.width = width;
        this.height = height;
        this.augmenter = augmenter;
    }

    public bool IsRowToRowMapper => false;

    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema) => inputSchema;

    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema) =>
        throw new NotSupportedException("image augmentation draws per pass over the data, not per row");

    public IDataView Transform(IDataView input) => new AugmentedDataView(input, column, width, height, augmenter);

    void ICanSaveModel.Save(ModelSaveContext ctx) =>
        throw new InvalidOperationException("image augmentation is for training only and is never saved: save the model without it");
}
