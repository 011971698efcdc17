using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms;

namespace MLNetTransfer.Pipelines.Orientation;

/// <summary>
/// Fits to the custom mapping of <see cref="UprightImageFactory"/>. ML.NET's own estimator for a custom mapping compares
/// image column types by reference, so it refuses the image column LoadImages writes; this one checks them by value.
/// </summary>
public sealed class ExifOrientationEstimator : IEstimator<ITransformer>
{
    readonly CustomMappingEstimator<UprightImageFactory.Row, UprightImageFactory.Upright> mapping;

    readonly IEstimator<ITransformer> shape;

    internal ExifOrientationEstimator(TransformsCatalog catalog)
    {
        mapping = catalog.CustomMapping(new UprightImageFactory().GetMapping(), UprightImageFactory.ContractName);
        shape = catalog.LoadImages(OrientationCatalog.UprightImageColumn, imageFolder: null!, nameof(UprightImageFactory.Row.ImagePath));
    }

    // Fitting checks the input through the transformer, which compares types with DataViewType.Equals.
    public ITransformer Fit(IDataView input) => mapping.Fit(input);

    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        var columns = new Dictionary<string, SchemaShape.Column>();
        foreach (var column in inputSchema) columns[column.Name] = column;
        if (!columns.TryGetValue(nameof(UprightImageFactory.Row.Image), out var image) || image.ItemType is not Microsoft.ML.Transforms.Image.ImageDataViewType)
            throw new ArgumentException("ApplyExifOrientation needs the Image column that LoadImages writes", nameof(inputSchema));
        if (!columns.TryGetValue(nameof(UprightImageFactory.Row.ImagePath), out var path) || path.ItemType != TextDataViewType.Instance)
            throw new ArgumentException("ApplyExifOrientation needs the ImagePath text column the image was loaded from", nameof(inputSchema));
        // The upright column has the shape of a loaded image: let LoadImages describe it (SchemaShape has no public constructor for one).
        return shape.GetOutputSchema(inputSchema);
    }
}
