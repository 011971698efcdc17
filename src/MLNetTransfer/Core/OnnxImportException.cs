namespace MLNetTransfer.Core;

/// <summary>
/// An ONNX model uses something the TorchSharp import does not support. The message names the node, its operator and,
/// where one is at fault, the attribute, so the user knows exactly which layer of their model to change.
/// </summary>
public sealed class OnnxImportException(string node, string opType, string? attribute, string problem)
    : Exception($"ONNX node '{node}' ({opType}){(attribute is null ? "" : $", attribute '{attribute}'")}: {problem}")
{
    public string Node { get; } = node;
    public string OpType { get; } = opType;
    public string? Attribute { get; } = attribute;
}
