using MLNetTransfer.Core;
using Onnx;

namespace MLNetTransfer.Backbones.Import;

/// <summary>
/// One ONNX node during import: typed access to its attributes (each read is recorded, so an attribute nobody reads is
/// reported as unsupported) and to inputs whose values are known at import time (shapes, pads, clip bounds).
/// </summary>
internal sealed class OnnxNode(NodeProto proto, int opset, IReadOnlyDictionary<string, TensorProto> constants)
{
    readonly HashSet<string> read = [];

    public string Name { get; } = string.IsNullOrEmpty(proto.Name) ? proto.Output.FirstOrDefault() ?? proto.OpType : proto.Name;
    public string OpType => proto.OpType;
    public int Opset => opset;
    public IReadOnlyList<string> Inputs => proto.Input;
    public IReadOnlyList<string> Outputs => proto.Output;

    /// <summary>Whether input <paramref name="index"/> is given (ONNX marks omitted optional inputs with an empty name).</summary>
    public bool HasInput(int index) => index < proto.Input.Count && proto.Input[index].Length > 0;

    AttributeProto? Find(string name)
    {
        read.Add(name);
        return proto.Attribute.FirstOrDefault(a => a.Name == name);
    }

    public long Int(string name, long fallback) => Find(name) is { } a ? a.I : fallback;
    public float Float(string name, float fallback) => Find(name) is { } a ? a.F : fallback;
    public string String(string name, string fallback) => Find(name) is { } a ? a.S.ToStringUtf8() : fallback;
    public long[]? Ints(string name) => Find(name) is { } a ? a.Ints.ToArray() : null;
    public float[]? Floats(string name) => Find(name) is { } a ? a.Floats.ToArray() : null;
    public TensorProto? TensorAttribute(string name) => Find(name)?.T;

    /// <summary>The int64 values of an input that is an initializer or a Constant node's output.</summary>
    public long[] ConstantInts(int index, string what) =>
        constants.TryGetValue(proto.Input[index], out var t) ? OnnxTensors.ToInt64(t)
        : throw Fail(null, $"input {index} ({what}) must be a constant (an initializer or a Constant node) to be imported");

    /// <summary>The float values of an input that is known at import time.</summary>
    public float[] ConstantFloats(int index, string what) =>
        constants.TryGetValue(proto.Input[index], out var t) ? OnnxTensors.ToFloat(t)
        : throw Fail(null, $"input {index} ({what}) must be a constant (an initializer or a Constant node) to be imported");

    public OnnxImportException Fail(string? attribute, string problem) => new(Name, OpType, attribute, problem);

    /// <summary>Throws for the first attribute the operator's kernel never read: it would be silently ignored.</summary>
    public void RejectUnreadAttributes()
    {
        foreach (var attribute in proto.Attribute)
            if (!read.Contains(attribute.Name))
                throw Fail(attribute.Name, "this attribute is not supported by the import");
    }
}
