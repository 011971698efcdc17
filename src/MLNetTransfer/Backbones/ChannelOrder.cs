namespace MLNetTransfer.Backbones;

/// <summary>Order of colour planes in a model's input tensor.</summary>
public enum ChannelOrder
{
    Rgb,
    Bgr,
}
