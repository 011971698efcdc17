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

    /// <summary>In a network that averages each image with its mirror: the batch of both views the backbone runs on.</summary>
    public const string ViewsName = "tta_batch";

    /// <summary>In a network that averages each image with its mirror: the logits of each view, before the averaging.</summary>
    public const string ViewLogitsName = "view_logits";

    /// <param name="backbone">The trained backbone.</param>
    /// <param name="head">The trained head.</param>
    /// <param name="path">The .onnx file to write.</param>
    /// <param name="backboneOutputShape">The backbone output's shape for one image.</param>
    /// <param name="averageWithFlip">
    /// Test-time augmentation: run the image and its left-right mirror as a batch of two and output the mean of their
    /// probabilities (and its logarithm as logits, whose softmax is that mean).
    /// </param>
    public static void Write(OnnxGraphModule backbone, ClassifierHead head, string path, long[] backboneOutputShape, bool averageWithFlip = false)
    {
        var model = backbone.ToOnnx();
        var graph = model.Graph;
        graph.Output.Clear();
        var opset = model.OpsetImport.FirstOrDefault(o => o.Domain is "" or "ai.onnx")?.Version ?? 13;
        if (averageWithFlip) BatchWithMirror(graph, backbone.InputName);
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
            current = Add(graph, "Gemm", name, [current, $"{name}.weight", $"{name}.bias"], ("transB", 1L), output: last && averageWithFlip ? ViewLogitsName : null);
            if (!last) current = Add(graph, "Relu", $"{name}_relu", [current]);
        }
        if (averageWithFlip)
        {
            Add(graph, "Softmax", "head_softmax", [current], ("axis", 1L), output: "view_probabilities");
            if (opset >= 18)
            {
                graph.Initializer.Add(new TensorProto { Name = "tta_batch_axis", DataType = (int)TensorProto.Types.DataType.Int64, Dims = { 1 }, Int64Data = { 0 } });
                Add(graph, "ReduceMean", "tta_mean", ["view_probabilities", "tta_batch_axis"], ("keepdims", 1L), output: ProbabilitiesName);
            }
            else
            {
                Add(graph, "ReduceMean", "tta_mean", ["view_probabilities"], ("keepdims", 1L), output: ProbabilitiesName);
                graph.Node[^1].Attribute.Add(new AttributeProto { Name = "axes", Type = AttributeProto.Types.AttributeType.Ints, Ints = { 0 } });
            }
            Add(graph, "Log", "tta_log", [ProbabilitiesName], output: LogitsName);
        }
        else
        {
            Rename(graph, current, LogitsName);
            Add(graph, "Softmax", "head_softmax", [LogitsName], ("axis", 1L), output: ProbabilitiesName);
        }

        var classes = layers[^1].weight!.shape[0];
        var batch = backboneOutputShape[0];
        graph.Output.Add(OnnxGraphBuilder.Tensor(LogitsName, [batch, classes]));
        graph.Output.Add(OnnxGraphBuilder.Tensor(ProbabilitiesName, [batch, classes]));
        File.WriteAllBytes(path, model.ToByteArray());
    }

    // Every node that read the image now reads [image, mirrored image]; shapes recorded for batch 1 no longer hold.
    static void BatchWithMirror(GraphProto graph, string input)
    {
        var width = graph.Input.Single(i => i.Name == input).Type.TensorType.Shape.Dim[3].DimValue;
        foreach (var node in graph.Node)
            for (var i = 0; i < node.Input.Count; i++)
                if (node.Input[i] == input) node.Input[i] = ViewsName;
        graph.ValueInfo.Clear();
        graph.Initializer.Add(new TensorProto { Name = "tta_reversed_columns", DataType = (int)TensorProto.Types.DataType.Int64, Dims = { width }, Int64Data = { Enumerable.Range(0, (int)width).Select(x => width - 1 - x) } });
        var mirror = new NodeProto { OpType = "Gather", Name = "tta_mirror", Input = { input, "tta_reversed_columns" }, Output = { "tta_mirrored" } };
        mirror.Attribute.Add(new AttributeProto { Name = "axis", Type = AttributeProto.Types.AttributeType.Int, I = 3 });
        var batch = new NodeProto { OpType = "Concat", Name = "tta_batch", Input = { input, "tta_mirrored" }, Output = { ViewsName } };
        batch.Attribute.Add(new AttributeProto { Name = "axis", Type = AttributeProto.Types.AttributeType.Int, I = 0 });
        graph.Node.Insert(0, batch);
        graph.Node.Insert(0, mirror);
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
