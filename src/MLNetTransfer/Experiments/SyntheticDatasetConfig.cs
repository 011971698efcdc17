using System.ComponentModel;

namespace MLNetTransfer.Experiments;

/// <summary>Parameters of the generated "cats vs dogs style" dataset.</summary>
public sealed record SyntheticDatasetConfig
{
    [Description("Images generated per class. Default: 200.")]
    public int ImagesPerClass { get; init; } = 200;

    [Description("Side of the square images in pixels. Default: 256.")]
    public int ImageSize { get; init; } = 256;

    [Description("Classes to draw, 2 to 6: cat, dog, then rabbit, bear, mouse and frog. Default: 2.")]
    public int Classes { get; init; } = 2;

    [Description("Seed of the generator; the same seed gives the same images. Default: 1.")]
    public int Seed { get; init; } = 1;
}
