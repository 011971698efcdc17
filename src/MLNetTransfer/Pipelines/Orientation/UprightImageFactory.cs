using Microsoft.ML.Data;
using Microsoft.ML.Transforms;

namespace MLNetTransfer.Pipelines.Orientation;

/// <summary>
/// The saved form of <see cref="OrientationCatalog.ApplyExifOrientation"/>: an ML.NET custom mapping that model.zip
/// names by <see cref="ContractName"/>, found when a model is loaded once this assembly is registered.
/// </summary>
[CustomMappingFactoryAttribute(ContractName)]
public sealed class UprightImageFactory : CustomMappingFactory<UprightImageFactory.Row, UprightImageFactory.Upright>
{
    /// <summary>The name model.zip stores; never change it, or saved models stop loading.</summary>
    public const string ContractName = "MLNetTransfer.ExifOrientation";

    // A new image is left to the garbage collector: ML.NET never disposes a custom mapping's outputs, and the managed
    // pixel array made for it (as large as the image) keeps collections, and so its finalizer, coming.
    public override Action<Row, Upright> GetMapping() => (row, upright) =>
        upright.UprightImage = ExifOrientation.Upright(row.Image, ExifOrientation.Read(row.ImagePath));

    /// <summary>The columns read: the file (for its EXIF) and the image LoadImages read from it.</summary>
    public sealed class Row
    {
        public string ImagePath { get; set; } = "";

        [AnySizeImage]
        public MLImage Image { get; set; } = null!;
    }

    /// <summary>The column written; a new image only for a photo that is not stored upright (the loaded one otherwise).</summary>
    public sealed class Upright
    {
        [AnySizeImage]
        public MLImage UprightImage { get; set; } = null!;
    }
}
