using static TorchSharp.torch;

namespace MLNetTransfer.Interpretability.Cam;

/// <summary>
/// XGrad-CAM (Fu et al., 2020): a channel's weight is its gradient averaged with the channel's own activations as the
/// weights, sum(g * A) / sum(A), which makes the map satisfy the paper's sensitivity and conservation axioms.
/// </summary>
public sealed class XGradCam : ChannelWeightedCam
{
    /// <summary>Guards a channel that is zero everywhere.</summary>
    const double Epsilon = 1e-7;

    public override string Name => "xgrad-cam";

    protected override Tensor ChannelWeights(CamContext context) =>
        (context.Gradients! * context.Activations).sum([2, 3]) / (context.Activations.sum([2, 3]) + Epsilon);
}
