using static TorchSharp.torch;

namespace MLNetTransfer.Backbones.Import;

/// <summary>
/// A compiled ONNX node: computes its first output from its inputs (null where an optional input is omitted).
/// <paramref name="training"/> is true only while the node itself is being trained (BatchNormalization, Dropout).
/// </summary>
internal delegate Tensor Kernel(Tensor?[] inputs, bool training);

/// <summary>A compiled ONNX node with several outputs, in the node's output order.</summary>
internal delegate Tensor[] MultiKernel(Tensor?[] inputs, bool training);
