using Google.Protobuf;
using MLNetTransfer.Backbones.Import;
using Onnx;
using TorchSharp.Modules;
using static MLNetTransfer.Backbones.Export.OnnxNodes;

namespace MLNetTransfer.Backbones.Export;

/// <summary>
/// Writes a trained network back to ONNX: the backbone's own graph with its trained weights and updated statistics,
/// then the classifier head as ONNX nodes (GlobalAveragePool where needed, Flatten, Gemm, Relu) with two outputs:
/// <see cref="LogitsName"/> and <see cref="ProbabilitiesName"/> (Softmax), and <see cref="HeatmapOutput.Name"/> where asked. Dropout is left out: it is the identity in inference.
/// The model keeps its opset: these operators mean the same on [batch, classes] in every opset, and a newer opset would
/// invalidate older nodes (BatchNormalization's spatial attribute, for one).
/// </summary>
public static class NetworkExport
{
    public const string LogitsName = "logits";
    public const string ProbabilitiesName = "probabilities";

    /// <summary>In a network that averages each image with flipped copies: the batch of all views the backbone runs on.</summary>
    public const string ViewsName = "tta_batch";

    /// <summary>In a network that averages each image with flipped copies: the logits of each view, before the averaging.</summary>
    public const string ViewLogitsName = "view_logits";

    // The model's metadata entry naming the flips, so the network can be explained view by view.
    const string FlipsMetadataKey = "mlnet_transfer.test_time_flips";

    /// <param name="backbone">The trained backbone.</param>
    /// <param name="denseLayers">The trained head's dense layers in order, with ReLU between them; the last gives the logits.</param>
    /// <param name="path">The .onnx file to write.</param>
    /// <param name="backboneOutputShape">The backbone output's shape for one image.</param>
    /// <param name="flips">
    /// Test-time augmentation: run the image and its flipped copies as one batch and output the mean of their
    /// probabilities (and its logarithm as logits, whose softmax is that mean).
    /// </param>
    /// <param name="heatmap">
    /// The layer whose Grad-CAM map of the predicted class becomes a third output (<see cref="HeatmapOutput"/>); null for
    /// none, which writes the very bytes a network had before the option existed.
    /// </param>
    public static void Write(OnnxGraphModule backbone, IReadOnlyList<Linear> denseLayers, string path, long[] backboneOutputShape,
        TestTimeAugmentation flips = TestTimeAugmentation.None, HeatmapLayer? heatmap = null)
    {
        var model = backbone.ToOnnx();
        var graph = model.Graph;
        graph.Output.Clear();
        var opset = OnnxGraphModule.Opset(model);
        var averageViews = flips != TestTimeAugmentation.None;
        if (averageViews)
        {
            BatchWithFlips(graph, backbone.InputName, flips);
            model.MetadataProps.Add(new StringStringEntryProto { Key = FlipsMetadataKey, Value = flips.ToString() });
        }
        var current = backbone.OutputName;
        if (backboneOutputShape.Length > 2 && backboneOutputShape.Skip(2).Any(d => d != 1))
            current = Add(graph, "GlobalAveragePool", "head_pool", [current]);
        current = Add(graph, "Flatten", "head_flatten", [current], ("axis", 1L));

        var layers = denseLayers;
        for (var i = 0; i < layers.Count; i++)
        {
            var last = i == layers.Count - 1;
            var name = last ? "head_output" : $"head_hidden{i}";
            graph.Initializer.Add(Parameter($"{name}.weight", layers[i].weight!));
            graph.Initializer.Add(Parameter($"{name}.bias", layers[i].bias!));
            current = Add(graph, "Gemm", name, [current, $"{name}.weight", $"{name}.bias"], ("transB", 1L), output: last && averageViews ? ViewLogitsName : null);
            if (!last) current = Add(graph, "Relu", $"{name}_relu", [current]);
        }
        if (averageViews)
        {
            Add(graph, "Softmax", "head_softmax", [current], ("axis", 1L), output: "view_probabilities");
            Reduce(graph, opset, "ReduceMean", "tta_mean", "view_probabilities", [0], keepDims: true, ProbabilitiesName, "tta_batch_axis");
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
        if (heatmap is not null) AddHeatmap(model, heatmap);
        File.WriteAllBytes(path, model.ToByteArray());
    }

    /// <summary>
    /// Adds the <see cref="HeatmapOutput.Name"/> output to a network written by <see cref="Write"/> without it: the
    /// column for a run trained before it was asked for.
    /// </summary>
    /// <param name="model">The network, changed in place.</param>
    /// <param name="layer">The explained layer, which <see cref="HeatmapOutput.Obstacle"/> found no obstacle after.</param>
    public static void AddHeatmap(ModelProto model, HeatmapLayer layer)
    {
        var graph = model.Graph;
        var weights = graph.Initializer.Select(i => i.Name).ToHashSet();
        // Write names the head's Gemm nodes head_hidden0, head_hidden1, ..., head_output.
        var dense = Enumerable.Range(0, int.MaxValue).Select(i => $"head_hidden{i}").TakeWhile(name => weights.Contains($"{name}.weight"))
            .Select(name => ($"{name}.weight", $"{name}_output")).Append(("head_output.weight", "")).ToList();
        HeatmapOutput.Append(graph, OnnxGraphModule.Opset(model), layer, dense, ProbabilitiesName, Flips(model));
        var batch = graph.Output.Single(o => o.Name == ProbabilitiesName).Type.TensorType.Shape.Dim[0].DimValue;
        graph.Output.Add(OnnxGraphBuilder.Tensor(HeatmapOutput.Name, [batch, layer.Height, layer.Width]));
    }

    /// <summary>The flips a network written by <see cref="Write"/> averages over; none for one that does not.</summary>
    public static TestTimeAugmentation Flips(ModelProto model) =>
        model.MetadataProps.FirstOrDefault(p => p.Key == FlipsMetadataKey)?.Value switch
        {
            null => TestTimeAugmentation.None,
            // Networks written before the two enums became one named the flips as flags.
            "Horizontal" => TestTimeAugmentation.HorizontalFlip,
            "Vertical" => TestTimeAugmentation.VerticalFlip,
            "Horizontal, Vertical" => TestTimeAugmentation.Flips,
            var name => Enum.Parse<TestTimeAugmentation>(name),
        };

    // Every node that read the image now reads the batch of its views; shapes recorded for batch 1 no longer hold.
    static void BatchWithFlips(GraphProto graph, string input, TestTimeAugmentation flips)
    {
        var shape = graph.Input.Single(i => i.Name == input).Type.TensorType.Shape.Dim;
        foreach (var node in graph.Node)
            for (var i = 0; i < node.Input.Count; i++)
                if (node.Input[i] == input) node.Input[i] = ViewsName;
        graph.ValueInfo.Clear();
        // A view flipping dimensions [d1, .., dk] gathers dimension d1 backwards from the view flipping [d2, .., dk],
        // which Views lists before it.
        string Name(long[] view) => view.Length == 0 ? input : "tta_flip_" + string.Join("_", view);
        var views = flips.Views();
        var nodes = new List<NodeProto>();
        foreach (var dimension in views.SelectMany(v => v).Distinct())
        {
            var size = shape[(int)dimension].DimValue;
            graph.Initializer.Add(new TensorProto
            {
                Name = $"tta_reversed_{dimension}", DataType = (int)TensorProto.Types.DataType.Int64, Dims = { size },
                Int64Data = { Enumerable.Range(0, (int)size).Select(x => size - 1 - x) },
            });
        }
        foreach (var view in views.Skip(1))
        {
            var flip = new NodeProto { OpType = "Gather", Name = Name(view), Input = { Name(view[1..]), $"tta_reversed_{view[0]}" }, Output = { Name(view) } };
            flip.Attribute.Add(new AttributeProto { Name = "axis", Type = AttributeProto.Types.AttributeType.Int, I = view[0] });
            nodes.Add(flip);
        }
        var batch = new NodeProto { OpType = "Concat", Name = "tta_batch", Input = { views.Select(Name) }, Output = { ViewsName } };
        batch.Attribute.Add(new AttributeProto { Name = "axis", Type = AttributeProto.Types.AttributeType.Int, I = 0 });
        nodes.Add(batch);
        for (var i = 0; i < nodes.Count; i++) graph.Node.Insert(i, nodes[i]);
    }

    static void Rename(GraphProto graph, string from, string to)
    {
        foreach (var node in graph.Node)
            for (var i = 0; i < node.Output.Count; i++)
                if (node.Output[i] == from) node.Output[i] = to;
    }
}
