using System.ComponentModel;

namespace MLNetTransfer.Pipelines.Augmentation;

/// <summary>
/// Random changes applied to training images, in the vocabulary of Keras' ImageDataGenerator. Every range is drawn
/// uniformly, per image and per epoch. Geometry (flip, crop, zoom, shear, rotation, shift) is one affine map sampled
/// bilinearly; brightness and contrast follow. All defaults leave the image unchanged.
/// </summary>
public sealed record AugmentationOptions
{
    [Description("Rotation in degrees, drawn from [-r, r]. Default: 0.")]
    public double RotationRange { get; init; }

    [Description("Horizontal shift, drawn from [-s, s]: a fraction of the width below 1, pixels from 1 on. Default: 0.")]
    public double WidthShiftRange { get; init; }

    [Description("Vertical shift, drawn from [-s, s]: a fraction of the height below 1, pixels from 1 on. Default: 0.")]
    public double HeightShiftRange { get; init; }

    [Description("Shear angle in degrees, drawn from [-s, s]. Default: 0.")]
    public double ShearRange { get; init; }

    [Description("Zoom: content is scaled by a factor drawn from [1 - z, 1 + z] (above 1 enlarges). Default: 0.")]
    public double ZoomRange { get; init; }

    [Description("Mirror left-right with probability 1/2. Default: false.")]
    public bool HorizontalFlip { get; init; }

    [Description("Mirror top-bottom with probability 1/2. Default: false.")]
    public bool VerticalFlip { get; init; }

    [Description("nearest, constant, reflect or wrap: how pixels from outside the image are filled. Default: nearest.")]
    public FillMode FillMode { get; init; } = FillMode.Nearest;

    [Description("The value for fill mode constant, in 0-255 pixel units. Default: 0.")]
    public double FillValue { get; init; }

    [Description("Brightness multiplier, drawn from [low, high], e.g. [0.8, 1.2]. Default: none.")]
    public double[]? BrightnessRange { get; init; }

    [Description("Contrast factor around the image's mean, drawn from [low, high], e.g. [0.8, 1.2]. Default: none.")]
    public double[]? ContrastRange { get; init; }

    [Description("Random resized crop: take a region of this share of the image's area (drawn from [low, high]) and aspect ratio (log-uniform in [3/4, 4/3]), scaled to full size. Default: none.")]
    public double[]? CropScale { get; init; }

    /// <summary>Whether any option changes images.</summary>
    public bool ChangesImages =>
        RotationRange != 0 || WidthShiftRange != 0 || HeightShiftRange != 0 || ShearRange != 0 || ZoomRange != 0
        || HorizontalFlip || VerticalFlip || BrightnessRange is not null || ContrastRange is not null || CropScale is not null;
}
