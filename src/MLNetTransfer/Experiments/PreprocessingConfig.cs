using MLNetTransfer.Backbones;

using System.ComponentModel;

namespace MLNetTransfer.Experiments;

/// <summary>
/// Pixel preparation for a user's ONNX model, applied in this order: channels ordered by
/// <see cref="ChannelOrder"/>, values 0-255 multiplied by <see cref="Scale"/>, then per channel
/// (value - mean) / std. The torchvision ImageNet convention is scale 1/255, mean [0.485, 0.456, 0.406],
/// std [0.229, 0.224, 0.225].
/// </summary>
public sealed record PreprocessingConfig
{
    [Description("Channel order the model expects: rgb or bgr. Default: rgb.")]
    public ChannelOrder ChannelOrder { get; init; } = ChannelOrder.Rgb;

    [Description("Multiplier applied to 0-255 pixel values, e.g. 0.00392156862745098 for 0-1. Default: 1.")]
    public float Scale { get; init; } = 1f;

    [Description("Per-channel mean subtracted after scaling, in the model's channel order. Default: none.")]
    public float[]? Mean { get; init; }

    [Description("Per-channel standard deviation divided by after the mean, in the model's channel order. Default: none.")]
    public float[]? Std { get; init; }
}
