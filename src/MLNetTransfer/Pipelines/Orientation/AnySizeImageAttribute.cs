using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Image;

namespace MLNetTransfer.Pipelines.Orientation;

/// <summary>
/// Marks an <see cref="MLImage"/> property as the image column <c>LoadImages</c> writes, whose size varies by file.
/// ML.NET's own <see cref="ImageTypeAttribute"/> without a size fails (it declares a 0 x 0 image, which is invalid).
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
public sealed class AnySizeImageAttribute : DataViewTypeAttribute
{
    public override void Register() => DataViewTypeManager.Register(new ImageDataViewType(), typeof(MLImage), this);

    public override bool Equals(DataViewTypeAttribute other) => other is AnySizeImageAttribute;

    public override bool Equals(object? obj) => obj is AnySizeImageAttribute;

    public override int GetHashCode() => nameof(AnySizeImageAttribute).GetHashCode();
}
