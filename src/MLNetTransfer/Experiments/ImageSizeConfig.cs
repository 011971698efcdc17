using System.ComponentModel;

namespace MLNetTransfer.Experiments;

/// <summary>Width and height in pixels.</summary>
public sealed record ImageSizeConfig
{
    [Description("Width in pixels.")]
    public required int Width { get; init; }

    [Description("Height in pixels.")]
    public required int Height { get; init; }
}
