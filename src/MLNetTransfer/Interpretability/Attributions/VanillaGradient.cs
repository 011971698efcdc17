using MLNetTransfer.Training;
using static TorchSharp.torch;

namespace MLNetTransfer.Interpretability.Attributions;

/// <summary>
/// The saliency map of Simonyan et al. (2014): the class logit's gradient with respect to each pixel, its largest
/// absolute value over the colour channels. One backward pass; noisy, because the gradient of a ReLU network jumps.
/// </summary>
public sealed class VanillaGradient : PixelAttribution
{
    public override string Name => "gradient";

    public override Tensor Attributions(TransferNetwork network, Tensor images, long[] classes) => InputGradients(network, images, classes);

    // The predicted classes come from the gradient's own forward pass: one pass, not two.
    protected override (Tensor Attributions, long[] Classes) Explain(TransferNetwork network, Tensor images, long[]? classes) =>
        (InputGradients(network, images, classes, out var explained), explained);
}
