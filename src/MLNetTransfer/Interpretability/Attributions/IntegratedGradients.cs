using MLNetTransfer.Training;
using static TorchSharp.torch;

namespace MLNetTransfer.Interpretability.Attributions;

/// <summary>
/// Integrated Gradients (Sundararajan et al., 2017): the input minus a baseline, times the gradient averaged along the
/// straight path from the baseline to the input (the midpoint rule over <see cref="Steps"/> points). The attributions
/// then add up to the logit's change from the baseline (completeness). The baseline is the network's zero input, which
/// for a backbone that normalises by the ImageNet mean is the mean colour. The map is the absolute value of each
/// pixel's sum over the colour channels.
/// </summary>
public sealed class IntegratedGradients : PixelAttribution
{
    /// <summary>Points on the path. Default: 32 (Captum uses 50; the completeness gap here is a few percent).</summary>
    public int Steps { get; init; } = 32;

    public override string Name => "integrated-gradients";

    public override Tensor Attributions(TransferNetwork network, Tensor images, long[] classes)
    {
        var sum = zeros_like(images);
        for (var i = 0; i < Steps; i++)
        {
            using var scope = NewDisposeScope();
            sum.add_(InputGradients(network, images * ((i + 0.5) / Steps), classes));
        }
        return images * sum / Steps;
    }

    protected override Tensor Reduce(Tensor attributions) => attributions.sum(1).abs();
}
