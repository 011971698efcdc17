namespace MLNetTransfer.Pipelines.Augmentation;

/// <summary>How pixels that a transform brings in from outside the image are filled (Keras' fill_mode).</summary>
public enum FillMode
{
    /// <summary>The nearest edge pixel: aaaa|abcd|dddd.</summary>
    Nearest,
    /// <summary><see cref="AugmentationOptions.FillValue"/>: kkkk|abcd|kkkk.</summary>
    Constant,
    /// <summary>Mirrored: dcba|abcd|dcba.</summary>
    Reflect,
    /// <summary>Tiled: abcd|abcd|abcd.</summary>
    Wrap,
}
