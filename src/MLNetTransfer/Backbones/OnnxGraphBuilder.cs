using Google.Protobuf;
using Onnx;

namespace MLNetTransfer.Backbones;

/// <summary>
/// Writes small float32 ONNX graphs: generated preprocessing steps, and the tiny models tests build to check the
/// pipelines and engines against each other.
/// </summary>
internal sealed class OnnxGraphBuilder(string name, int opset = 13)
{
    readonly GraphProto graph = new() { Name = name };

    /// <summary>The graph so far, for nodes that other code appends.</summary>
    public GraphProto Graph => graph;

    /// <summary>The opset the graph is written for.</summary>
    public int Opset => opset;

    public OnnxGraphBuilder Input(string tensor, params long[] shape)
    {
        graph.Input.Add(Tensor(tensor, shape));
        return this;
    }

    public OnnxGraphBuilder Output(string tensor, params long[] shape) => Output(tensor, TensorProto.Types.DataType.Float, shape);

    /// <summary>A graph output of another element type, e.g. the int64 index ArgMax gives.</summary>
    public OnnxGraphBuilder Output(string tensor, TensorProto.Types.DataType elementType, params long[] shape)
    {
        graph.Output.Add(Tensor(tensor, shape, elementType));
        return this;
    }

    /// <summary>A constant tensor (an initializer) of the given shape.</summary>
    public OnnxGraphBuilder Constant(string tensor, long[] shape, float[] values)
    {
        var proto = new TensorProto { Name = tensor, DataType = (int)TensorProto.Types.DataType.Float };
        proto.Dims.AddRange(shape);
        proto.FloatData.AddRange(values);
        graph.Initializer.Add(proto);
        return this;
    }

    /// <summary>A constant int64 tensor (shapes, pads).</summary>
    public OnnxGraphBuilder ConstantInt64(string tensor, long[] shape, long[] values)
    {
        var proto = new TensorProto { Name = tensor, DataType = (int)TensorProto.Types.DataType.Int64 };
        proto.Dims.AddRange(shape);
        proto.Int64Data.AddRange(values);
        graph.Initializer.Add(proto);
        return this;
    }

    /// <summary>A node; <paramref name="attributes"/> holds ints (long), floats (float), int lists (long[]), strings or tensors.</summary>
    public OnnxGraphBuilder Node(string opType, string nodeName, string[] inputs, string[] outputs, IReadOnlyDictionary<string, object>? attributes = null)
    {
        var node = new NodeProto { OpType = opType, Name = nodeName };
        node.Input.AddRange(inputs);
        node.Output.AddRange(outputs);
        foreach (var (key, value) in attributes ?? new Dictionary<string, object>())
            node.Attribute.Add(value switch
            {
                long i => new AttributeProto { Name = key, Type = AttributeProto.Types.AttributeType.Int, I = i },
                float f => new AttributeProto { Name = key, Type = AttributeProto.Types.AttributeType.Float, F = f },
                long[] list => new AttributeProto { Name = key, Type = AttributeProto.Types.AttributeType.Ints, Ints = { list } },
                string s => new AttributeProto { Name = key, Type = AttributeProto.Types.AttributeType.String, S = ByteString.CopyFromUtf8(s) },
                TensorProto t => new AttributeProto { Name = key, Type = AttributeProto.Types.AttributeType.Tensor, T = t },
                _ => throw new ArgumentException($"attribute {key}: unsupported type {value.GetType().Name}", nameof(attributes)),
            });
        graph.Node.Add(node);
        return this;
    }

    /// <summary>Writes the model to <paramref name="path"/>.</summary>
    public void Save(string path)
    {
        var model = new ModelProto { IrVersion = 7, ProducerName = "MLNetTransfer", Graph = graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = opset });
        File.WriteAllBytes(path, model.ToByteArray());
    }

    /// <summary>The declaration of a graph input or output.</summary>
    internal static ValueInfoProto Tensor(string name, long[] shape, TensorProto.Types.DataType elementType = TensorProto.Types.DataType.Float)
    {
        var type = new TypeProto.Types.Tensor { ElemType = (int)elementType, Shape = new TensorShapeProto() };
        foreach (var d in shape) type.Shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = d });
        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = type } };
    }
}
