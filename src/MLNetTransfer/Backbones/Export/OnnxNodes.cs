using MLNetTransfer.Backbones.Import;
using Onnx;
using TorchSharp.Modules;

namespace MLNetTransfer.Backbones.Export;

/// <summary>The nodes and constants that exports append to a graph, written the same way everywhere.</summary>
internal static class OnnxNodes
{
    /// <summary>Appends a node with at most one int attribute; returns its output's name (<c>name_output</c> unless given).</summary>
    public static string Add(GraphProto graph, string op, string name, string[] inputs, (string Key, long Value)? attribute = null, string? output = null)
    {
        var node = new NodeProto { OpType = op, Name = name, Input = { inputs }, Output = { output ?? name + "_output" } };
        if (attribute is { } a) node.Attribute.Add(new AttributeProto { Name = a.Key, Type = AttributeProto.Types.AttributeType.Int, I = a.Value });
        graph.Node.Add(node);
        return node.Output[0];
    }

    /// <summary>
    /// A ReduceSum, ReduceMean or ReduceMax over <paramref name="axes"/>: the axes are an input from opset 18 (13 for
    /// ReduceSum) and an attribute before, and a model keeps its opset.
    /// </summary>
    public static string Reduce(GraphProto graph, int opset, string op, string name, string input, long[] axes, bool keepDims, string? output = null, string? axesName = null)
    {
        var axesAsInput = opset >= (op == "ReduceSum" ? 13 : 18);
        if (axesAsInput) Longs(graph, axesName ??= name + "_axes", axes);
        var result = Add(graph, op, name, axesAsInput ? [input, axesName!] : [input], ("keepdims", keepDims ? 1L : 0L), output);
        if (!axesAsInput) graph.Node[^1].Attribute.Add(new AttributeProto { Name = "axes", Type = AttributeProto.Types.AttributeType.Ints, Ints = { axes } });
        return result;
    }

    /// <summary>A one-dimensional int64 constant (shapes, axes, indices); returns its name.</summary>
    public static string Longs(GraphProto graph, string name, params long[] values)
    {
        graph.Initializer.Add(new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Int64, Dims = { values.Length }, Int64Data = { values } });
        return name;
    }

    /// <summary>A float32 scalar constant; returns its name.</summary>
    public static string Scalar(GraphProto graph, string name, float value)
    {
        graph.Initializer.Add(new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float, FloatData = { value } });
        return name;
    }

    /// <summary>A trained parameter as a constant of its own shape.</summary>
    public static TensorProto Parameter(string name, Parameter value)
    {
        var proto = new TensorProto { Name = name, Dims = { value.shape } };
        OnnxTensors.Store(value, proto);
        return proto;
    }
}
