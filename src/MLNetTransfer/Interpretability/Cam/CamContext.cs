using MLNetTransfer.Training;
using static TorchSharp.torch;

namespace MLNetTransfer.Interpretability.Cam;

/// <summary>What a CAM method may use to weigh a layer's channels.</summary>
/// <param name="Network">The explained network.</param>
/// <param name="Images">Its inputs [N, C, H, W].</param>
/// <param name="Layer">The explained layer's ONNX tensor name.</param>
/// <param name="Activations">The layer's output [N, K, h, w].</param>
/// <param name="Gradients">The class logit's gradient with respect to it; null for methods that use none.</param>
/// <param name="Classes">The explained class of each image.</param>
public sealed record CamContext(TransferNetwork Network, Tensor Images, string Layer, Tensor Activations, Tensor? Gradients, long[] Classes);
