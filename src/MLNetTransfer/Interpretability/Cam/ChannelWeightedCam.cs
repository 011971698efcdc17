using static TorchSharp.torch;

namespace MLNetTransfer.Interpretability.Cam;

/// <summary>
/// A CAM method that gives each channel one weight for the whole map (Grad-CAM and most of its family): the map is the
/// weighted sum of the channels.
/// </summary>
public abstract class ChannelWeightedCam : CamMethod
{
    /// <summary>One weight per image and channel, [N, K], from what <paramref name="context"/> holds.</summary>
    protected abstract Tensor ChannelWeights(CamContext context);

    protected sealed override Tensor WeightedActivations(CamContext context) =>
        ChannelWeights(context).unsqueeze(-1).unsqueeze(-1) * context.Activations;
}
