using static TorchSharp.torch;

namespace MLNetTransfer.Interpretability.Cam;

/// <summary>
/// HiResCAM (Draelos and Carin, 2020): the gradient times the activation, place by place, summed over channels, with
/// no averaging of the gradient over space. So the map shows exactly where the layer raised the class score. Where
/// the head is global average pooling and a linear layer the gradient is the same everywhere, and HiResCAM is Grad-CAM.
/// </summary>
public sealed class HiResCam : CamMethod
{
    public override string Name => "hires-cam";

    protected override Tensor WeightedActivations(CamContext context) => context.Gradients! * context.Activations;
}
