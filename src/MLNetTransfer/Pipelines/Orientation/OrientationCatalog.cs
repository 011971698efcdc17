using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNetTransfer.Pipelines.Orientation;

/// <summary>
/// The catalog entry point: <c>mlContext.Transforms.ApplyExifOrientation()</c>, right after <c>LoadImages("Image", …,
/// "ImagePath")</c>. Models containing it load once the application registers this assembly:
/// <c>mlContext.ComponentCatalog.RegisterAssembly(typeof(UprightImageFactory).Assembly)</c>.
/// </summary>
public static class OrientationCatalog
{
    /// <summary>Writes <see cref="UprightImageColumn"/>: the <c>Image</c> column turned upright by the EXIF orientation of the file in <c>ImagePath</c>.</summary>
    public static ExifOrientationEstimator ApplyExifOrientation(this TransformsCatalog catalog) => new(catalog);

    /// <summary>The column the upright image is written to.</summary>
    public const string UprightImageColumn = nameof(UprightImageFactory.Upright.UprightImage);
}
