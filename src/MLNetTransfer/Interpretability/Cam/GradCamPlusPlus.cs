using static TorchSharp.torch;

namespace MLNetTransfer.Interpretability.Cam;

/// <summary>
/// Grad-CAM++ (Chattopadhyay et al., 2018, eq. 19 with the exponential score, whose higher derivatives are powers of
/// the first): each location's positive gradient is weighted by
/// alpha = g^2 / (2 g^2 + sum over the map of A * g^3), so several instances of a class all count.
/// </summary>
public sealed class GradCamPlusPlus : ChannelWeightedCam
{
    /// <summary>Guards alpha's denominator where gradients vanish.</summary>
    const double Epsilon = 1e-7;

    public override string Name => "grad-cam++";

    protected override Tensor ChannelWeights(CamContext context)
    {
        var g = context.Gradients!;
        var squared = g.pow(2);
        var sums = context.Activations.sum([2, 3], keepdim: true);
        var alpha = squared / (2 * squared + sums * g.pow(3) + Epsilon);
        alpha = where(g != 0, alpha, zeros_like(alpha));
        return (nn.functional.relu(g) * alpha).sum([2, 3]);
    }
}
