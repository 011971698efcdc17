using System.Text.RegularExpressions;
using Onnx;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MLNetTransfer.Backbones.Import;

/// <summary>
/// An ONNX graph run by TorchSharp: the same nodes in the same order, the initializers as parameters (weights, biases,
/// BatchNormalization scale and shift) or buffers (BatchNormalization statistics, constants), registered under their
/// ONNX names made safe for state dicts. Every intermediate tensor keeps its ONNX name: <see cref="Run"/> returns any
/// of them, with their gradients when asked to keep them. ONNX stays the source of truth: <see cref="ToOnnx"/> writes
/// the same graph back with the current weights.
/// </summary>
public sealed partial class OnnxGraphModule : nn.Module<Tensor, Tensor>
{
    readonly ModelProto model;
    readonly IReadOnlyList<(OnnxLayer Layer, MultiKernel Kernel)> nodes;
    readonly Dictionary<string, Tensor> values = [];
    readonly Dictionary<string, string> stateNames = [];
    readonly HashSet<string> trainableNodes = [];
    // The trained nodes that also compute as in training (all of them, less BatchNormalization with stored statistics).
    readonly HashSet<string> trainingModeNodes = [];

    OnnxGraphModule(ModelProto model, string inputName, string outputName) : base("OnnxGraph")
    {
        this.model = model;
        InputName = inputName;
        OutputName = outputName;
        var opset = Opset(model);
        var graph = model.Graph;

        var constants = graph.Initializer.ToDictionary(i => i.Name);
        foreach (var node in graph.Node.Where(n => n.OpType == "Constant"))
            constants[node.Output[0]] = FoldConstant(new OnnxNode(node, opset, constants));

        var kept = NodesBetween(graph, inputName, outputName);
        var trained = TrainedInitializers(graph, kept, constants.Keys.ToHashSet());
        foreach (var (name, proto) in constants)
        {
            var value = OnnxTensors.IsFloat(proto) ? OnnxTensors.ToTensor(proto) : tensor(OnnxTensors.ToInt64(proto), proto.Dims.ToArray());
            var safe = SafeName(name);
            stateNames[name] = safe;
            if (trained.Contains(name))
            {
                var parameter = new Parameter(value, requires_grad: true);
                register_parameter(safe, parameter);
                values[name] = parameter;
            }
            else
            {
                register_buffer(safe, value, persistent: graph.Initializer.Any(i => i.Name == name));
                values[name] = value;
            }
        }

        nodes = kept.Where(n => n.OpType != "Constant").Select(proto =>
        {
            var node = new OnnxNode(proto, opset, constants);
            var layer = new OnnxLayer(node.Name, node.OpType, node.Inputs.ToList(), node.Outputs.ToList(),
                node.Inputs.Where(trained.Contains).ToList());
            return (layer, OnnxOperators.Compile(node));
        }).ToList();
        SetTrainable(Layers.Select(l => l.Name).ToList());
        inPlaceRelus = InPlaceRelus(nodes.Select(n => n.Layer).ToList(), graph.Output.Select(o => o.Name).ToHashSet());
    }

    // Relu nodes that may overwrite their input, as TorchVision's ReLU(inplace=True) does: the input comes from an
    // operator whose backward does not need its own output (Conv, BatchNormalization, Add) and nothing else reads it.
    // This saves a pass over memory per activation, which on a CPU is a good part of a ReLU's cost.
    static HashSet<int> InPlaceRelus(IReadOnlyList<OnnxLayer> layers, IReadOnlySet<string> graphOutputs)
    {
        var readers = layers.SelectMany(l => l.Inputs).GroupBy(i => i).ToDictionary(g => g.Key, g => g.Count());
        var producers = layers.SelectMany(l => l.Outputs.Select(o => (Output: o, l.OpType))).ToDictionary(p => p.Output, p => p.OpType);
        return Enumerable.Range(0, layers.Count).Where(i =>
        {
            var layer = layers[i];
            if (layer.OpType != "Relu") return false;
            var input = layer.Inputs[0];
            return readers[input] == 1 && !graphOutputs.Contains(input)
                   && producers.TryGetValue(input, out var op) && op is "Conv" or "BatchNormalization" or "Add";
        }).ToHashSet();
    }

    readonly HashSet<int> inPlaceRelus;

    /// <summary>The model's version of the default ONNX operator set (13 where it names none).</summary>
    internal static int Opset(ModelProto model) => (int)(model.OpsetImport.FirstOrDefault(o => o.Domain is "" or "ai.onnx")?.Version ?? 13);

    /// <summary>The graph input images go into.</summary>
    public string InputName { get; }

    /// <summary>The tensor <see cref="forward"/> returns.</summary>
    public string OutputName { get; }

    /// <summary>
    /// Null (the default): every node computes in float32. BFloat16: mixed precision as torch's autocast does it, for
    /// speed on CPUs with native bfloat16: convolutions and matrix products cast their float inputs, weights included,
    /// to bfloat16 (so gradients still reach the float32 weights in float32), the normalisations listed in
    /// <see cref="Float32Operators"/> compute in float32, every other node in its inputs' type, and
    /// <see cref="Run"/> returns float32.
    /// </summary>
    public ScalarType? ComputeType { get; set; }

    static readonly HashSet<string> LowPrecisionOperators = ["Conv", "Gemm", "MatMul"];

    // Sums of powers and exponentials lose too much in bfloat16's 8-bit mantissa.
    static readonly HashSet<string> Float32Operators = ["LRN", "Softmax"];

    /// <summary>Every computing node, in graph order.</summary>
    public IReadOnlyList<OnnxLayer> Layers => nodes.Select(n => n.Layer).ToList();

    /// <summary>The state-dict name each ONNX initializer is registered under.</summary>
    public IReadOnlyDictionary<string, string> StateNames => stateNames;

    /// <summary>Imports the ONNX file at <paramref name="path"/>; names default to the graph's only input and first output.</summary>
    /// <exception cref="Core.OnnxImportException">A node uses an unsupported operator or attribute.</exception>
    /// <exception cref="InvalidDataException">The file is not an ONNX model.</exception>
    public static OnnxGraphModule Load(string path, string? inputName = null, string? outputName = null) =>
        Load(OnnxModelInfo.Parse(path), inputName, outputName);

    /// <summary>Imports an ONNX model already parsed (see <see cref="OnnxModelInfo.Parse"/>).</summary>
    internal static OnnxGraphModule Load(ModelProto model, string? inputName = null, string? outputName = null)
    {
        var initializers = model.Graph.Initializer.Select(i => i.Name).ToHashSet();
        var input = inputName ?? model.Graph.Input.First(i => !initializers.Contains(i.Name)).Name;
        var output = outputName ?? model.Graph.Output[0].Name;
        return new OnnxGraphModule(model, input, output);
    }

    public override Tensor forward(Tensor input) => Run(new Dictionary<string, Tensor> { [InputName] = input }, [OutputName])[OutputName];

    /// <summary>
    /// Computes the named tensors from the given ones, running only the nodes needed between them: feed the graph input
    /// to run it all, or a cached intermediate tensor to run the rest. Kept tensors retain their gradient after
    /// backward when <paramref name="retainGradients"/> is set; one that nothing trainable or fed with a gradient leads
    /// to becomes where differentiation starts, so a backward pass stops there.
    /// </summary>
    public IReadOnlyDictionary<string, Tensor> Run(IReadOnlyDictionary<string, Tensor> feeds, IReadOnlyCollection<string> outputs, bool retainGradients = false)
    {
        var needed = new HashSet<string>(outputs);
        var toRun = new bool[nodes.Count];
        for (var i = nodes.Count - 1; i >= 0; i--)
        {
            var layer = nodes[i].Layer;
            if (!layer.Outputs.Any(o => needed.Contains(o) && !feeds.ContainsKey(o))) continue;
            toRun[i] = true;
            foreach (var input in layer.Inputs) if (input.Length > 0) needed.Add(input);
        }

        var tensors = new Dictionary<string, Tensor>(values);
        foreach (var (name, value) in feeds) tensors[name] = value;
        for (var i = 0; i < nodes.Count; i++)
        {
            if (!toRun[i]) continue;
            var (layer, kernel) = nodes[i];
            var inputs = layer.Inputs.Select(name => name.Length == 0 ? null
                : tensors.TryGetValue(name, out var t) ? t
                : throw new ArgumentException($"tensor '{name}' (an input of node '{layer.Name}') is neither fed nor computed", nameof(feeds))).ToArray();
            if (ComputeType is { } lowPrecision)
            {
                if (LowPrecisionOperators.Contains(layer.OpType)) inputs = CastFloats(inputs, lowPrecision);
                else if (Float32Operators.Contains(layer.OpType)) inputs = CastFloats(inputs, ScalarType.Float32);
            }
            // A ReLU found safe at import overwrites its input, unless the caller fed that tensor or keeps it.
            var results = inPlaceRelus.Contains(i) && !feeds.ContainsKey(layer.Inputs[0]) && !outputs.Contains(layer.Inputs[0])
                ? [inputs[0]!.relu_()]
                : kernel(inputs, training && trainingModeNodes.Contains(layer.Name));
            for (var o = 0; o < results.Length; o++)
            {
                var name = layer.Outputs[o];
                if (ComputeType is not null && outputs.Contains(name)) results[o] = CastFloats([results[o]], ScalarType.Float32)[0]!;
                tensors[name] = results[o];
                if (!retainGradients || !outputs.Contains(name)) continue;
                if (results[o].requires_grad) results[o].retain_grad();
                // Nothing before it needs a gradient: start differentiation here rather than back at the input.
                else if (results[o].is_floating_point()) tensors[name] = results[o] = results[o].detach().requires_grad_(true);
            }
        }
        return outputs.ToDictionary(o => o, o => tensors.TryGetValue(o, out var t) ? t
            : throw new ArgumentException($"the graph has no tensor '{o}'", nameof(outputs)));
    }

    static Tensor?[] CastFloats(Tensor?[] inputs, ScalarType type) =>
        inputs.Select(t => t is not null && t.is_floating_point() && t.dtype != type ? t.to(type) : t).ToArray();

    /// <summary>
    /// Trains the named nodes only: their weights get gradients and their BatchNormalization and Dropout behave as in
    /// training while the module is in training mode; every other node is frozen and runs as in inference. With
    /// <paramref name="storedStatistics"/>, the trained BatchNormalization nodes still normalise by their stored
    /// statistics and leave them unchanged; their scale and shift get gradients.
    /// </summary>
    public void SetTrainable(IReadOnlyCollection<string> nodeNames, bool storedStatistics = false)
    {
        var unknown = nodeNames.Except(nodes.Select(n => n.Layer.Name)).ToList();
        if (unknown.Count > 0) throw new ArgumentException($"the graph has no node(s) {string.Join(", ", unknown)}", nameof(nodeNames));
        trainableNodes.Clear();
        trainableNodes.UnionWith(nodeNames);
        trainingModeNodes.Clear();
        trainingModeNodes.UnionWith(nodes.Select(n => n.Layer)
            .Where(l => trainableNodes.Contains(l.Name) && !(storedStatistics && l.OpType == "BatchNormalization")).Select(l => l.Name));
        var trainedParameters = nodes.Where(n => trainableNodes.Contains(n.Layer.Name)).SelectMany(n => n.Layer.Parameters).ToHashSet();
        foreach (var layer in nodes.Select(n => n.Layer))
            foreach (var parameter in layer.Parameters)
                values[parameter].requires_grad = trainedParameters.Contains(parameter);
    }

    /// <summary>The shape of an initializer, by ONNX name.</summary>
    public long[] ParameterShape(string onnxName) => values[onnxName].shape;

    /// <summary>The nodes currently trained.</summary>
    public IReadOnlyCollection<string> TrainableNodes => trainableNodes;

    /// <summary>The original graph with every initializer replaced by its current value (trained weights, updated statistics).</summary>
    public ModelProto ToOnnx()
    {
        var copy = model.Clone();
        foreach (var initializer in copy.Graph.Initializer)
            if (OnnxTensors.IsFloat(initializer)) OnnxTensors.Store(values[initializer.Name], initializer);
        return copy;
    }

    static TensorProto FoldConstant(OnnxNode node)
    {
        var name = node.Outputs[0];
        TensorProto result;
        if (node.TensorAttribute("value") is { } value) result = value.Clone();
        else if (node.Ints("value_ints") is { } ints) result = new TensorProto { DataType = (int)TensorProto.Types.DataType.Int64, Dims = { ints.Length }, Int64Data = { ints } };
        else if (node.Int("value_int", long.MinValue) is var i and not long.MinValue) result = new TensorProto { DataType = (int)TensorProto.Types.DataType.Int64, Int64Data = { i } };
        else if (node.Floats("value_floats") is { } floats) result = new TensorProto { DataType = (int)TensorProto.Types.DataType.Float, Dims = { floats.Length }, FloatData = { floats } };
        else if (node.Float("value_float", float.NaN) is var f && !float.IsNaN(f)) result = new TensorProto { DataType = (int)TensorProto.Types.DataType.Float, FloatData = { f } };
        else throw node.Fail(null, "needs a value, value_float(s) or value_int(s) attribute");
        node.RejectUnreadAttributes();
        result.Name = name;
        return result;
    }

    // Only what the output needs from the input is imported: a model may go on past the output used (a classifier
    // head, test-time averaging) with operators the import does not support, and nodes before a fed cut never run.
    static List<NodeProto> NodesBetween(GraphProto graph, string input, string output)
    {
        var needed = new HashSet<string> { output };
        var kept = new List<NodeProto>();
        foreach (var node in graph.Node.Reverse())
        {
            if (!node.Output.Any(o => needed.Contains(o) && o != input)) continue;
            kept.Add(node);
            needed.UnionWith(node.Input);
        }
        kept.Reverse();
        return kept;
    }

    // The weights a layer learns: convolution and dense weights and biases, BatchNormalization scale and shift.
    static HashSet<string> TrainedInitializers(GraphProto graph, IEnumerable<NodeProto> nodes, HashSet<string> constants)
    {
        var trained = new HashSet<string>();
        foreach (var node in nodes)
        {
            int[] roles = node.OpType switch
            {
                "Conv" or "Gemm" => [1, 2],
                "BatchNormalization" => [1, 2],
                "MatMul" => [1],
                _ => [],
            };
            foreach (var index in roles)
                if (index < node.Input.Count && constants.Contains(node.Input[index]) && graph.Initializer.Any(i => i.Name == node.Input[index]))
                    trained.Add(node.Input[index]);
        }
        return trained;
    }

    string SafeName(string onnxName)
    {
        var safe = UnsafeCharacters().Replace(onnxName, "_");
        if (safe.Length == 0 || char.IsDigit(safe[0])) safe = "_" + safe;
        var candidate = safe;
        for (var n = 2; stateNames.ContainsValue(candidate); n++) candidate = $"{safe}_{n}";
        return candidate;
    }

    [GeneratedRegex("[^A-Za-z0-9_]")]
    private static partial Regex UnsafeCharacters();
}
