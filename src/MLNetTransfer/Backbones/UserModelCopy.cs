using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Onnx;

namespace MLNetTransfer.Backbones;

/// <summary>
/// The run's copy of a user's ONNX model, made fit to be a backbone: cut at the chosen tensor (as Keras'
/// <c>Model(base.input, base.get_layer(name).output)</c> cuts), with a free height and width fixed to the image size.
/// ONNX Runtime, the TorchSharp import and the saved model then all read the same graph.
/// </summary>
internal static class UserModelCopy
{
    /// <summary>
    /// Whether <paramref name="model"/> needs a copy: <paramref name="output"/> is not one of its outputs, or the
    /// input leaves its height or width free.
    /// </summary>
    public static bool Needed(ModelProto model, string input, string output) =>
        model.Graph.Output.All(o => o.Name != output) || Dims(model.Graph.Input.Single(i => i.Name == input)).Skip(2).Any(d => d.ValueCase != DimValue);

    /// <summary>
    /// Writes to <paramref name="target"/> the model with <paramref name="output"/> as its only output (nodes it does
    /// not need dropped) and <paramref name="input"/>'s height and width fixed; the batch dimension stays as it was.
    /// The output's shape is found by running the copy once on a blank image.
    /// </summary>
    public static void Write(ModelProto model, string input, string output, int height, int width, string target)
    {
        var copy = model.Clone();
        var graph = copy.Graph;
        var dims = Dims(graph.Input.Single(i => i.Name == input));
        dims[2] = new TensorShapeProto.Types.Dimension { DimValue = height };
        dims[3] = new TensorShapeProto.Types.Dimension { DimValue = width };
        Cut(graph, output);
        var value = new ValueInfoProto { Name = output, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float } } };
        graph.Output.Clear();
        graph.Output.Add(value);
        foreach (var stale in graph.ValueInfo.Where(v => v.Name == output).ToList()) graph.ValueInfo.Remove(stale);

        // Its shape, batch as the input's, once the graph ends there.
        var shape = OutputShape(copy, input, output, height, width);
        value.Type.TensorType.Shape = new TensorShapeProto();
        value.Type.TensorType.Shape.Dim.Add(dims[0].Clone());
        foreach (var d in shape.Skip(1)) value.Type.TensorType.Shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = d });

        var bytes = copy.ToByteArray();
        // A resumed run already holds its copy, and may have it open.
        if (!File.Exists(target) || !File.ReadAllBytes(target).AsSpan().SequenceEqual(bytes)) Core.AtomicFile.Write(target, temporary => File.WriteAllBytes(temporary, bytes));
    }

    const TensorShapeProto.Types.Dimension.ValueOneofCase DimValue = TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue;

    static Google.Protobuf.Collections.RepeatedField<TensorShapeProto.Types.Dimension> Dims(ValueInfoProto value) => value.Type.TensorType.Shape.Dim;

    // Keeps the nodes that compute output, the initializers and inputs they read, in their order.
    static void Cut(GraphProto graph, string output)
    {
        var producer = new Dictionary<string, NodeProto>();
        foreach (var node in graph.Node)
        foreach (var tensor in node.Output)
            producer[tensor] = node;
        var kept = new HashSet<NodeProto>();
        var read = new HashSet<string>();
        var pending = new Stack<string>([output]);
        while (pending.TryPop(out var tensor))
        {
            if (!read.Add(tensor) || !producer.TryGetValue(tensor, out var node) || !kept.Add(node)) continue;
            foreach (var needed in node.Input.Concat(Subgraphs(node).SelectMany(g => g.Node).SelectMany(n => n.Input)))
                if (needed.Length > 0) pending.Push(needed);
        }
        Keep(graph.Node, kept.Contains);
        Keep(graph.Initializer, i => read.Contains(i.Name));
        Keep(graph.Input, i => read.Contains(i.Name));
        Keep(graph.ValueInfo, v => read.Contains(v.Name));
    }

    // If, Loop and Scan bodies may read tensors of the outer graph.
    static IEnumerable<GraphProto> Subgraphs(NodeProto node) =>
        node.Attribute.SelectMany(a => a.G is { } g ? [g] : a.Graphs.AsEnumerable()).SelectMany(g => Subgraphs(g).Prepend(g));

    static IEnumerable<GraphProto> Subgraphs(GraphProto graph) => graph.Node.SelectMany(Subgraphs);

    static void Keep<T>(Google.Protobuf.Collections.RepeatedField<T> items, Func<T, bool> keep)
    {
        var all = items.ToList();
        items.Clear();
        items.AddRange(all.Where(keep));
    }

    static int[] OutputShape(ModelProto model, string input, string output, int height, int width)
    {
        using var session = new InferenceSession(model.ToByteArray());
        using var results = session.Run([NamedOnnxValue.CreateFromTensor(input, new DenseTensor<float>([1, 3, height, width]))], [output]);
        return results.Single().AsTensor<float>().Dimensions.ToArray();
    }
}
