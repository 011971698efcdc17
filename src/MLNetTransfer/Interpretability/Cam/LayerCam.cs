using static TorchSharp.torch;

namespace MLNetTransfer.Interpretability.Cam;

/// <summary>
/// LayerCAM (Jiang et al., 2021): each place of each channel is weighted by its own positive gradient, ReLU(g) * A,
/// summed over channels. Fine-grained, and meaningful at lower layers, where Grad-CAM's one weight per channel blurs.
/// </summary>
public sealed class LayerCam : CamMethod
{
    public override string Name => "layer-cam";

    protected override Tensor WeightedActivations(CamContext context) => nn.functional.relu(context.Gradients!) * context.Activations;
}
