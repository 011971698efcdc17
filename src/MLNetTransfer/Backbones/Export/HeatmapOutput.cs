using Onnx;
using static MLNetTransfer.Backbones.Export.OnnxNodes;

namespace MLNetTransfer.Backbones.Export;

/// <summary>
/// Grad-CAM of the predicted class as ONNX nodes, so a saved model outputs where it looked with no gradient at run time.
/// Where only pooling and reshaping follow the explained layer and a dense head with ReLUs follows the pooled features,
/// the class logit's gradient has a closed form: the class's output weights, masked by each hidden layer's active units
/// and multiplied back through its weights. Summed over each channel's places (pooling passes every gradient on whole)
/// and divided by the layer's h*w, that is Grad-CAM's channel weight; the map is the ReLU of the weighted channels over
/// their maximum, as <c>explain</c> scales it, at the layer's own resolution.
/// </summary>
public static class HeatmapOutput
{
    /// <summary>The output, and the saved model's column: float32 [batch, h, w].</summary>
    public const string Name = "Heatmap";

    // HeatmapMethod's guard against dividing an all-zero map by 0.
    const float Epsilon = 1e-8f;

    /// <summary>
    /// Why the closed form does not hold between <paramref name="layer"/> and the backbone's <paramref name="output"/>
    /// in <paramref name="graph"/>, naming the node in the way; null where it holds.
    /// </summary>
    public static string? Obstacle(GraphProto graph, string layer, string output)
    {
        var producers = new Dictionary<string, NodeProto>();
        foreach (var node in graph.Node)
            foreach (var tensor in node.Output) producers[tensor] = node;
        for (var current = output; current != layer;)
        {
            if (!producers.TryGetValue(current, out var node))
                return $"the explained layer '{layer}' does not lead to the backbone's output '{output}'";
            if (!PassesGradientWhole(node))
                return $"node '{(node.Name.Length > 0 ? node.Name : current)}' ({node.OpType}) lies between the explained layer '{layer}' and the backbone's output: " +
                       "the heat-map's closed form needs only pooling and reshaping after the layer, and this backbone would need its gradient";
            current = node.Input[0];
        }
        return null;
    }

    // Each output's gradient reaches the input whole (to one place, or spread over a window that holds no padding),
    // so a channel's gradient summed over its places is the same before and after the node.
    static bool PassesGradientWhole(NodeProto node)
    {
        long Int(string name) => node.Attribute.FirstOrDefault(a => a.Name == name)?.I ?? 0;
        return node.OpType switch
        {
            "GlobalAveragePool" or "GlobalMaxPool" or "MaxPool" or "Flatten" or "Reshape" or "Squeeze" or "Identity" => true,
            "AveragePool" => Int("ceil_mode") == 0
                             && node.Attribute.FirstOrDefault(a => a.Name == "pads")?.Ints.All(p => p == 0) != false
                             && (node.Attribute.FirstOrDefault(a => a.Name == "auto_pad")?.S.ToStringUtf8() ?? "NOTSET") is "NOTSET" or "VALID",
            _ => false,
        };
    }

    /// <summary>
    /// Appends the nodes computing <see cref="Name"/> [batch, h, w] to a network's graph.
    /// </summary>
    /// <param name="graph">The network: backbone, then the head's Gemm nodes.</param>
    /// <param name="opset">The graph's opset.</param>
    /// <param name="layer">The explained layer, which <see cref="Obstacle"/> found no obstacle after.</param>
    /// <param name="dense">Each dense layer's weight [out, in] and output before its ReLU, in order; the last gives the logits.</param>
    /// <param name="probabilities">The model's class probabilities [batch, classes]: the predicted class is their argmax.</param>
    /// <param name="flips">The views the network averages: each view's map is flipped back and the maps averaged, as <c>explain</c> does.</param>
    internal static void Append(GraphProto graph, int opset, HeatmapLayer layer, IReadOnlyList<(string Weight, string Output)> dense, string probabilities, TestTimeAugmentation flips)
    {
        var views = flips.Views();
        var predicted = Add(graph, "ArgMax", "heatmap_class", [probabilities], ("axis", 1L));
        graph.Node[^1].Attribute.Add(new AttributeProto { Name = "keepdims", Type = AttributeProto.Types.AttributeType.Int, I = 1 });
        // A network with flips runs one image's views as its batch: each view explains the image's class.
        if (views.Count > 1) predicted = Add(graph, "Concat", "heatmap_view_classes", [.. Enumerable.Repeat(predicted, views.Count)], ("axis", 0L));
        predicted = Add(graph, "Reshape", "heatmap_classes", [predicted, Longs(graph, "heatmap_classes_shape", -1)]);

        // The logit's gradient with respect to each dense layer's input, from the output layer down.
        var gradient = Add(graph, "Gather", "heatmap_gradient_output", [dense[^1].Weight, predicted], ("axis", 0L));
        // ONNX Runtime refuses a graph with a constant that no node reads.
        var zero = dense.Count > 1 ? Scalar(graph, "heatmap_zero", 0) : "";
        for (var i = dense.Count - 2; i >= 0; i--)
        {
            var active = Add(graph, "Greater", $"heatmap_active{i}", [dense[i].Output, zero]);
            active = Add(graph, "Cast", $"heatmap_active{i}_float", [active], ("to", (long)TensorProto.Types.DataType.Float));
            gradient = Add(graph, "Mul", $"heatmap_masked{i}", [gradient, active]);
            gradient = Add(graph, "MatMul", $"heatmap_gradient{i}", [gradient, dense[i].Weight]);
        }

        var byChannel = Add(graph, "Reshape", "heatmap_gradient_by_channel", [gradient, Longs(graph, "heatmap_by_channel_shape", 0, layer.Channels, -1)]);
        var summed = Reduce(graph, opset, "ReduceSum", "heatmap_gradient_sum", byChannel, [2], keepDims: false);
        var weights = Add(graph, "Div", "heatmap_weights", [summed, Scalar(graph, "heatmap_places", layer.Height * layer.Width)]);
        weights = Add(graph, "Reshape", "heatmap_channel_weights", [weights, Longs(graph, "heatmap_weights_shape", 0, layer.Channels, 1, 1)]);
        var weighted = Add(graph, "Mul", "heatmap_weighted", [layer.Name, weights]);
        var map = Reduce(graph, opset, "ReduceSum", "heatmap_sum", weighted, [1], keepDims: false);
        map = Normalised(graph, opset, "heatmap_view", Add(graph, "Relu", "heatmap_relu", [map]), views.Count > 1 ? null : Name);
        if (views.Count == 1) return;

        // A map is [views, h, w]: an input's dimension d is the map's d - 1.
        var placed = new List<string>();
        foreach (var (view, v) in views.Select((view, v) => (view, v)))
        {
            var current = Add(graph, "Gather", $"heatmap_view{v}", [map, Longs(graph, $"heatmap_view{v}_index", v)], ("axis", 0L));
            foreach (var dimension in view)
            {
                var size = dimension == 3 ? layer.Width : layer.Height;
                var reversed = Longs(graph, $"heatmap_view{v}_reversed_{dimension}", [.. Enumerable.Range(0, (int)size).Select(x => size - 1 - x)]);
                current = Add(graph, "Gather", $"heatmap_view{v}_unflipped_{dimension}", [current, reversed], ("axis", dimension - 1));
            }
            placed.Add(current);
        }
        var sum = Add(graph, "Sum", "heatmap_views_sum", [.. placed]);
        var mean = Add(graph, "Div", "heatmap_views_mean", [sum, Scalar(graph, "heatmap_views", views.Count)]);
        Normalised(graph, opset, "heatmap_mean", mean, Name);
    }

    // Each map [n, h, w] over its maximum.
    static string Normalised(GraphProto graph, int opset, string name, string maps, string? output)
    {
        var maximum = Reduce(graph, opset, "ReduceMax", $"{name}_max", maps, [1, 2], keepDims: true);
        var guarded = Add(graph, "Add", $"{name}_guarded_max", [maximum, Scalar(graph, $"{name}_epsilon", Epsilon)]);
        return Add(graph, "Div", $"{name}_normalised", [maps, guarded], output: output);
    }
}
