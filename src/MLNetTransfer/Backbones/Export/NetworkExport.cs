using Google.Protobuf;
using MLNetTransfer.Backbones.Import;
using MLNetTransfer.Training;
using Onnx;
using TorchSharp.Modules;

namespace MLNetTransfer.Backbones.Export;

/// <summary>
/// Writes a trained network back to ONNX: the backbone's own graph with its trained weights and updated statistics,
/// then the classifier head as ONNX nodes (GlobalAveragePool where needed, Flatten, Gemm, Relu) with two outputs:
/// <see cref="LogitsName"/> and <see cref="ProbabilitiesName"/> (Softmax). Dropout is left out: it is the identity in inference.
/// The model keeps its opset: these operators mean the same on [batch, classes] in every opset, and a newer opset would
/// invalidate older nodes (BatchNormalization's spatial attribute, for one).
/// </summary>
public static class NetworkExport
{
    public const string LogitsName = "logits";
    public const string ProbabilitiesName = "probabilities";

    public static void Write(OnnxGraphModule backbone, ClassifierHead head, string path, long[] backboneOutputShape)
    {
        var model = backbone.ToOnnx();
        var graph = model.Graph;
        graph.Output.Clear();
        var current = backbone.OutputName;
        if (backboneOutputShape.Length > 2 && backboneOutputShape.Skip(2).Any(d => d != 1))
            current = Add(graph, "GlobalAveragePool", "head_pool", [current]);
        current = Add(graph, "Flatten", "head_flatten", [current], ("axis", 1L));

        var layers = head.DenseLayers;
        for (var i = 0; i < layers.Count; i++)
        {
            var last = i == layers.Count - 1;
            var name = last ? "head_output" : $"head_hidden{i}";
            graph.Initializer.Add(Initializer($"{name}.weight", layers[i].weight!));
            graph.Initializer.Add(Initializer($"{name}.bias", layers[i].bias!));
            current = Add(graph, "Gemm", name, [current, $"{name}.weight", $"{name}.bias"], ("transB", 1L));
            if (!last) current = Add(graph, "Relu", $"{name}_relu", [current]);
        }
        Rename(graph, current, LogitsName);
        Add(graph, "Softmax", "head_softmax", [LogitsName], ("axis", 1L), output: ProbabilitiesName);

        var classes = layers[^1].weight!.shape[0];
        var batch = backboneOutputShape[0];
        graph.Output.Add(OnnxGraphBuilder.Tensor(LogitsName, [batch, classes]));
        graph.Output.Add(OnnxGraphBuilder.Tensor(ProbabilitiesName, [batch, classes]));
        File.WriteAllBytes(path, model.ToByteArray());
    }

    static string Add(GraphProto graph, string op, string name, string[] inputs, (string Key, long Value)? attribute = null, string? output = null)
    {
        var node = new NodeProto { OpType = op, Name = name, Input = { inputs }, Output = { output ?? name + "_output" } };
        if (attribute is { } a) node.Attribute.Add(new AttributeProto { Name = a.Key, Type = AttributeProto.Types.AttributeType.Int, I = a.Value });
        graph.Node.Add(node);
        return node.Output[0];
    }

    static void Rename(GraphProto graph, string from, string to)
    {
        foreach (var node in graph.Node)
            for (var i = 0; i < node.Output.Count; i++)
                if (node.Output[i] == from) node.Output[i] = to;
    }

    static TensorProto Initializer(string name, Parameter value)
    {
        var proto = new TensorProto { Name = name, Dims = { value.shape } };
        OnnxTensors.Store(value, proto);
        return proto;
    }
}
