using static TorchSharp.torch;

namespace MLNetTransfer.Interpretability.Cam;

/// <summary>
/// Grad-CAM (Selvaraju et al., 2017, eq. 1): a channel's weight is its gradient averaged over space, how much the class
/// score rises when the whole channel does.
/// </summary>
public sealed class GradCam : ChannelWeightedCam
{
    public override string Name => "grad-cam";

    protected override Tensor ChannelWeights(CamContext context) => context.Gradients!.mean([2, 3]);
}
