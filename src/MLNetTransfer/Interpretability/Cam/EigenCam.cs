using static TorchSharp.torch;

namespace MLNetTransfer.Interpretability.Cam;

/// <summary>
/// Eigen-CAM (Muhammad and Yeasin, 2020): the first principal component of the layer's activations, with no class and
/// no gradient, so it shows what the layer sees most, whatever the head does. With gradients it is Eigen-Grad-CAM (as
/// pytorch-grad-cam names it): the principal component of the gradient times the activation, which is class-specific.
/// </summary>
/// <param name="withGradients">Project the gradient times the activation (Eigen-Grad-CAM) instead of the activations.</param>
public sealed class EigenCam(bool withGradients = false) : CamMethod
{
    public override string Name => withGradients ? "eigen-grad-cam" : "eigen-cam";

    public override bool UsesGradients => withGradients;

    protected override bool AlwaysProjects => true;

    protected override Tensor WeightedActivations(CamContext context) =>
        withGradients ? context.Gradients! * context.Activations : context.Activations;
}
