namespace MLNetTransfer.Backbones.Import;

/// <summary>One node of an imported graph as users see it: its ONNX name, operator, tensors and trainable weights.</summary>
/// <param name="Name">The node's ONNX name (its first output's name where the node has none).</param>
/// <param name="OpType">The ONNX operator.</param>
/// <param name="Inputs">Names of the tensors it reads, weights included.</param>
/// <param name="Outputs">Names of the tensors it writes; each can be read after a forward pass.</param>
/// <param name="Parameters">ONNX names of the initializers it trains (weights, biases, BatchNormalization scale and shift).</param>
public sealed record OnnxLayer(string Name, string OpType, IReadOnlyList<string> Inputs, IReadOnlyList<string> Outputs, IReadOnlyList<string> Parameters);
