using MLNetTransfer.Backbones;
using MLNetTransfer.Backbones.Import;
using MLNetTransfer.Core;
using MLNetTransfer.Tests.Support;
using Onnx;
using TorchSharp;
using static TorchSharp.torch;

namespace MLNetTransfer.Tests.Backbones;

/// <summary>The TorchSharp import computes what ONNX Runtime computes: max absolute difference within 1e-4, float32.</summary>
public sealed class OnnxImportParityTests : IDisposable
{
    const double Tolerance = 1e-4;
    readonly TempFolder folder = new();

    public OnnxImportParityTests() => TorchRuntime.EnsureStarted();

    public void Dispose() => folder.Dispose();

    static float[] Random(long count, int seed, float scale = 1f)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, (int)count).Select(_ => (random.NextSingle() * 2 - 1) * scale).ToArray();
    }

    static long Count(long[] shape) => shape.Aggregate(1L, (a, b) => a * b);

    /// <summary>
    /// Builds a one-input graph, runs it in both engines (the import computing in <paramref name="computeType"/>), and
    /// returns the largest difference, and the largest magnitude of ONNX Runtime's output.
    /// </summary>
    (double Difference, double Magnitude) Compare(string name, long[] inputShape, Action<OnnxGraphBuilder> build, long[] outputShape, int opset = 13, ScalarType? computeType = null)
    {
        var builder = new OnnxGraphBuilder(name, opset).Input("x", inputShape).Output("y", outputShape);
        build(builder);
        var path = folder[name + ".onnx"];
        builder.Save(path);
        var input = Random(Count(inputShape), 11, 3f);
        var reference = OnnxRuntimeRunner.Run(path, "x", input, inputShape.Select(d => (int)d).ToArray());

        using var scope = NewDisposeScope();
        using var module = OnnxGraphModule.Load(path);
        module.eval();
        module.ComputeType = computeType;
        using var _ = no_grad();
        var result = module.forward(tensor(input, inputShape));
        Assert.Equal(ScalarType.Float32, result.dtype);
        var output = result.data<float>().ToArray();
        Assert.Equal(reference.Length, output.Length);
        return (reference.Zip(output, (a, b) => Math.Abs(a - b)).Max(), reference.Max(Math.Abs));
    }

    static Dictionary<string, object> Attributes(params (string Key, object Value)[] pairs) => pairs.ToDictionary(p => p.Key, p => p.Value);

    public static TheoryData<string> Operators => [.. Cases.Keys];

    // Each case: input shape, graph, output shape, opset. Together they cover every supported operator and attribute.
    static readonly Dictionary<string, (long[] In, Action<OnnxGraphBuilder> Build, long[] Out, int Opset)> Cases = new()
    {
        ["conv-groups-dilation-asymmetric-pads"] = ([1, 4, 11, 9], b => b
            .Constant("w", [6, 2, 3, 3], Random(108, 1)).Constant("bias", [6], Random(6, 2))
            .Node("Conv", "conv", ["x", "w", "bias"], ["y"], Attributes(("group", 2L), ("dilations", new long[] { 2, 1 }), ("strides", new long[] { 2, 2 }), ("pads", new long[] { 1, 0, 2, 1 }), ("kernel_shape", new long[] { 3, 3 }))),
            [1, 6, 5, 4], 13),
        ["conv-same-upper"] = ([1, 3, 9, 8], b => b.Constant("w", [4, 3, 3, 3], Random(108, 3))
            .Node("Conv", "conv", ["x", "w"], ["y"], Attributes(("auto_pad", "SAME_UPPER"), ("strides", new long[] { 2, 2 }))), [1, 4, 5, 4], 13),
        ["conv-same-lower"] = ([1, 3, 8, 8], b => b.Constant("w", [4, 3, 2, 2], Random(48, 4))
            .Node("Conv", "conv", ["x", "w"], ["y"], Attributes(("auto_pad", "SAME_LOWER"))), [1, 4, 8, 8], 13),
        ["conv-valid"] = ([1, 3, 8, 8], b => b.Constant("w", [2, 3, 3, 3], Random(54, 5))
            .Node("Conv", "conv", ["x", "w"], ["y"], Attributes(("auto_pad", "VALID"))), [1, 2, 6, 6], 13),
        ["batch-normalization"] = ([2, 3, 4, 4], b => b
            .Constant("scale", [3], Random(3, 6)).Constant("shift", [3], Random(3, 7))
            .Constant("mean", [3], Random(3, 8)).Constant("var", [3], [0.5f, 1.5f, 2f])
            .Node("BatchNormalization", "bn", ["x", "scale", "shift", "mean", "var"], ["y"], Attributes(("epsilon", 1e-3f), ("momentum", 0.8f))), [2, 3, 4, 4], 13),
        ["relu"] = ([2, 3, 4], b => b.Node("Relu", "relu", ["x"], ["y"]), [2, 3, 4], 13),
        ["leaky-relu"] = ([2, 3, 4], b => b.Node("LeakyRelu", "leaky", ["x"], ["y"], Attributes(("alpha", 0.2f))), [2, 3, 4], 13),
        ["clip-relu6-inputs"] = ([2, 12], b => b.Constant("lo", [], [0f]).Constant("hi", [], [1.5f]).Node("Clip", "clip", ["x", "lo", "hi"], ["y"]), [2, 12], 13),
        ["clip-attributes-opset6"] = ([2, 12], b => b.Node("Clip", "clip", ["x"], ["y"], Attributes(("min", -0.5f), ("max", 0.25f))), [2, 12], 6),
        ["sigmoid"] = ([2, 7], b => b.Node("Sigmoid", "sigmoid", ["x"], ["y"]), [2, 7], 13),
        ["hard-sigmoid"] = ([2, 7], b => b.Node("HardSigmoid", "hs", ["x"], ["y"], Attributes(("alpha", 0.3f), ("beta", 0.4f))), [2, 7], 13),
        ["hard-swish"] = ([2, 7], b => b.Node("HardSwish", "hswish", ["x"], ["y"]), [2, 7], 14),
        ["add-sub-mul-div-broadcast"] = ([2, 3, 4, 4], b => b
            .Constant("c", [1, 3, 1, 1], [1.5f, -2f, 0.5f]).Constant("d", [4], [2f, 3f, -4f, 5f])
            .Node("Add", "add", ["x", "c"], ["a"]).Node("Sub", "sub", ["a", "d"], ["s"])
            .Node("Mul", "mul", ["s", "x"], ["m"]).Node("Div", "div", ["m", "d"], ["y"]), [2, 3, 4, 4], 13),
        ["max-pool-asymmetric-pads"] = ([1, 2, 9, 9], b => b.Node("MaxPool", "pool", ["x"], ["y"], Attributes(("kernel_shape", new long[] { 3, 3 }), ("strides", new long[] { 2, 2 }), ("pads", new long[] { 1, 1, 0, 0 }))), [1, 2, 4, 4], 13),
        ["max-pool-ceil-dilated"] = ([1, 2, 10, 10], b => b.Node("MaxPool", "pool", ["x"], ["y"], Attributes(("kernel_shape", new long[] { 2, 2 }), ("strides", new long[] { 3, 3 }), ("dilations", new long[] { 2, 2 }), ("ceil_mode", 1L))), [1, 2, 4, 4], 13),
        ["average-pool-excluding-pads"] = ([1, 2, 7, 7], b => b.Node("AveragePool", "pool", ["x"], ["y"], Attributes(("kernel_shape", new long[] { 3, 3 }), ("strides", new long[] { 2, 2 }), ("pads", new long[] { 1, 1, 1, 1 }))), [1, 2, 4, 4], 13),
        ["average-pool-including-asymmetric-pads"] = ([1, 2, 7, 7], b => b.Node("AveragePool", "pool", ["x"], ["y"], Attributes(("kernel_shape", new long[] { 3, 3 }), ("strides", new long[] { 2, 2 }), ("pads", new long[] { 1, 0, 2, 1 }), ("count_include_pad", 1L))), [1, 2, 5, 4], 13),
        ["global-average-and-max-pool"] = ([2, 3, 5, 6], b => b.Node("GlobalAveragePool", "gap", ["x"], ["a"]).Node("GlobalMaxPool", "gmp", ["x"], ["m"]).Node("Add", "add", ["a", "m"], ["y"]), [2, 3, 1, 1], 13),
        ["flatten-gemm-relu-matmul"] = ([2, 3, 2, 2], b => b
            .Constant("w", [5, 12], Random(60, 9)).Constant("bias", [5], Random(5, 10)).Constant("m", [5, 4], Random(20, 12))
            .Node("Flatten", "flatten", ["x"], ["f"]).Node("Gemm", "gemm", ["f", "w", "bias"], ["g"], Attributes(("transB", 1L), ("alpha", 0.5f), ("beta", 2f)))
            .Node("Relu", "relu", ["g"], ["r"]).Node("MatMul", "matmul", ["r", "m"], ["y"]), [2, 4], 13),
        ["gemm-transposed-a"] = ([6, 2], b => b.Constant("w", [6, 3], Random(18, 13)).Node("Gemm", "gemm", ["x", "w"], ["y"], Attributes(("transA", 1L))), [2, 3], 13),
        ["reshape-concat-identity"] = ([2, 3, 4], b => b.ConstantInt64("shape", [3], [0, -1, 2])
            .Node("Reshape", "reshape", ["x", "shape"], ["r"]).Node("Identity", "id", ["r"], ["i"]).Node("Concat", "concat", ["r", "i"], ["y"], Attributes(("axis", 1L))), [2, 12, 2], 13),
        ["pad-constant-input"] = ([1, 2, 3, 3], b => b.ConstantInt64("pads", [8], [0, 0, 1, 2, 0, 1, 0, 1]).Constant("value", [], [0.75f])
            .Node("Pad", "pad", ["x", "pads", "value"], ["y"]), [1, 3, 4, 6], 13),
        ["pad-reflect"] = ([1, 2, 4, 4], b => b.ConstantInt64("pads", [8], [0, 0, 1, 2, 0, 0, 2, 1]).Node("Pad", "pad", ["x", "pads"], ["y"], Attributes(("mode", "reflect"))), [1, 2, 7, 7], 13),
        ["pad-edge-attributes-opset2"] = ([1, 2, 3, 3], b => b.Node("Pad", "pad", ["x"], ["y"], Attributes(("pads", new long[] { 0, 0, 2, 1, 0, 0, 1, 0 }), ("mode", "edge"))), [1, 2, 6, 4], 2),
        ["dropout-constant-softmax"] = ([2, 5], b => b
            .Node("Constant", "const", [], ["k"], Attributes(("value", new TensorProto { Name = "k", DataType = 1, Dims = { 5 }, FloatData = { 1f, 2f, 3f, 4f, 5f } })))
            .Node("Dropout", "drop", ["x"], ["d"]).Node("Mul", "mul", ["d", "k"], ["m"]).Node("Softmax", "softmax", ["m"], ["y"]), [2, 5], 13),
        ["softmax-flattening-opset11"] = ([2, 3, 2, 2], b => b.Node("Softmax", "softmax", ["x"], ["y"], Attributes(("axis", 1L))), [2, 3, 2, 2], 11),
        ["split-sizes-concat"] = ([1, 3, 4, 4], b => b
            .Node("Split", "split", ["x"], ["r", "gb"], Attributes(("axis", 1L), ("split", new long[] { 1, 2 })))
            .Node("Concat", "concat", ["gb", "r"], ["y"], Attributes(("axis", 1L))), [1, 3, 4, 4], 11),
        ["lrn-odd-size"] = ([1, 7, 3, 3], b => b.Node("LRN", "lrn", ["x"], ["y"], Attributes(("size", 3L), ("alpha", 0.01f), ("beta", 0.75f), ("bias", 2f))), [1, 7, 3, 3], 13),
        // ONNX Runtime accepts odd sizes only; the import follows the spec's window for even sizes too.
        ["lrn-size-5"] = ([1, 7, 3, 3], b => b.Node("LRN", "lrn", ["x"], ["y"], Attributes(("size", 5L), ("alpha", 0.02f), ("beta", 0.5f))), [1, 7, 3, 3], 13),
    };

    [Theory]
    [MemberData(nameof(Operators))]
    public void Each_operator_matches_onnx_runtime(string name)
    {
        var (input, build, output, opset) = Cases[name];
        var (difference, _) = Compare(name, input, build, output, opset);
        Assert.True(difference <= Tolerance, $"{name}: max |difference| {difference:E2} > {Tolerance:E0}");
    }

    // Mixed bfloat16 (training's default on CPUs with native bfloat16): every operator still runs, takes what the
    // ones before it give, returns float32, and stays within bfloat16's precision (8 mantissa bits, so about 0.4% per
    // rounding) of float32.
    [Theory]
    [MemberData(nameof(Operators))]
    public void Each_operator_runs_in_mixed_bfloat16_within_its_precision(string name)
    {
        var (input, build, output, opset) = Cases[name];
        var (difference, magnitude) = Compare(name, input, build, output, opset, ScalarType.BFloat16);
        Assert.True(difference <= 0.02 * Math.Max(1, magnitude), $"{name}: max |difference| {difference:E2} against outputs up to {magnitude:E2}");
    }

    [Fact]
    public void Every_supported_operator_has_a_parity_case()
    {
        var covered = new HashSet<string>();
        foreach (var (name, (input, build, output, opset)) in Cases)
        {
            var builder = new OnnxGraphBuilder(name, opset).Input("x", input).Output("y", output);
            build(builder);
            builder.Save(folder["probe.onnx"]);
            covered.UnionWith(ModelProto.Parser.ParseFrom(File.ReadAllBytes(folder["probe.onnx"])).Graph.Node.Select(n => n.OpType));
        }
        Assert.Empty(OnnxOperators.Supported.Except(covered));
    }

    [Fact]
    public void The_bundled_resnet18_matches_onnx_runtime_and_exposes_every_layer_by_its_onnx_name()
    {
        var backbone = BundledBackbones.ResNet18();
        var input = Random(3 * 224 * 224, 21, 120f);
        var reference = OnnxRuntimeRunner.Run(backbone.Model.Path, "Input247", input, [1, 3, 224, 224]);

        using var scope = NewDisposeScope();
        using var module = OnnxGraphModule.Load(backbone.Model.Path);
        module.eval();
        using var _ = no_grad();
        var outputs = module.Run(new Dictionary<string, Tensor> { ["Input247"] = tensor(input, [1, 3, 224, 224]) }, ["Pooling395_Output_0", "ReLU253_Output_0"]);
        var output = outputs["Pooling395_Output_0"].data<float>().ToArray();
        var difference = reference.Zip(output, (a, b) => Math.Abs(a - b)).Max();
        Assert.True(difference <= Tolerance, $"ResNet18 max |difference| {difference:E2}");
        Assert.Equal([1L, 64, 112, 112], outputs["ReLU253_Output_0"].shape);

        Assert.Equal(74, module.Layers.Count);
        Assert.Equal("Input247", module.InputName);
        // CNTK's ResNet18: 22 convolutions without bias, each followed by a BatchNormalization (scale and shift are
        // parameters; the running statistics are buffers).
        Assert.Equal(22 + 2 * 22, module.parameters().Count());
        Assert.Equal(15_897_152, module.parameters().Sum(p => p.numel()));
        Assert.Equal(2 * 22, module.buffers().Count());
        Assert.Contains(module.named_parameters(), p => p.name == module.StateNames["Parameter91"]);
    }

    [Fact]
    public void A_relu_works_in_place_only_on_what_nobody_else_asked_for()
    {
        var backbone = BundledBackbones.ResNet18();
        using var scope = NewDisposeScope();
        using var module = OnnxGraphModule.Load(backbone.Model.Path);
        module.eval();
        using var _ = no_grad();
        var relu = module.Layers.First(l => l.OpType == "Relu");
        var input = tensor(Random(3 * 224 * 224, 5, 120f), [1, 3, 224, 224]);
        var outputs = module.Run(new Dictionary<string, Tensor> { ["Input247"] = input }, [relu.Inputs[0], relu.Outputs[0], module.OutputName]);
        var before = outputs[relu.Inputs[0]];
        // The normalised values the ReLU reads keep their negative half when the caller keeps them...
        Assert.True(before.min().item<float>() < 0, "the kept input of the ReLU was rectified in place");
        Assert.True(nn.functional.relu(before).allclose(outputs[relu.Outputs[0]]));
        // ...and the network's output is the same either way.
        var alone = module.Run(new Dictionary<string, Tensor> { ["Input247"] = input }, [module.OutputName])[module.OutputName];
        Assert.True(alone.allclose(outputs[module.OutputName]));
    }

    [Fact]
    public void The_bundled_resnet_preprocessing_matches_onnx_runtime()
    {
        var preprocess = BundledBackbones.ResNet18().Preprocessor!;
        var input = Random(3 * 224 * 224, 5, 255f).Select(Math.Abs).ToArray();
        var reference = OnnxRuntimeRunner.Run(preprocess.Path, preprocess.InputName, input, [1, 3, 224, 224]);
        using var scope = NewDisposeScope();
        using var module = OnnxGraphModule.Load(preprocess.Path);
        using var _ = no_grad();
        var output = module.forward(tensor(input, [1, 3, 224, 224])).data<float>().ToArray();
        Assert.True(reference.Zip(output, (a, b) => Math.Abs(a - b)).Max() <= Tolerance);
    }

    [Fact]
    public void An_unsupported_operator_is_named_with_its_node()
    {
        new OnnxGraphBuilder("bad").Input("x", 1, 4).Output("y", 1, 4).Node("Tanh", "my_tanh", ["x"], ["y"]).Save(folder["bad.onnx"]);
        var e = Assert.Throws<OnnxImportException>(() => OnnxGraphModule.Load(folder["bad.onnx"]));
        Assert.Equal("my_tanh", e.Node);
        Assert.Contains("ONNX node 'my_tanh' (Tanh): operator not supported by the import; supported: Add, AveragePool", e.Message);
    }

    [Fact]
    public void Nodes_past_the_chosen_output_are_not_imported_so_their_operators_do_not_matter()
    {
        new OnnxGraphBuilder("head").Input("x", 1, 4).Output("y", 1, 4)
            .Node("Relu", "features", ["x"], ["f"]).Node("Tanh", "classifier", ["f"], ["y"]).Save(folder["head.onnx"]);
        using var features = OnnxGraphModule.Load(folder["head.onnx"], outputName: "f");
        Assert.Equal(["features"], features.Layers.Select(l => l.Name));
        using var _ = no_grad();
        Assert.Equal([0f, 2f, 0f, 3f], features.forward(tensor(new[] { -1f, 2f, -3f, 3f }, [1, 4])).data<float>().ToArray());
        Assert.Equal("classifier", Assert.Throws<OnnxImportException>(() => OnnxGraphModule.Load(folder["head.onnx"])).Node);
    }

    [Fact]
    public void An_unsupported_attribute_is_named_with_its_node_and_operator()
    {
        new OnnxGraphBuilder("bad").Input("x", 1, 1, 4, 4).Output("y", 1, 1, 2, 2)
            .Node("MaxPool", "pool1", ["x"], ["y"], Attributes(("kernel_shape", new long[] { 2, 2 }), ("strides", new long[] { 2, 2 }), ("storage_order", 1L)))
            .Save(folder["bad.onnx"]);
        var e = Assert.Throws<OnnxImportException>(() => OnnxGraphModule.Load(folder["bad.onnx"]));
        Assert.Equal("ONNX node 'pool1' (MaxPool), attribute 'storage_order': only 0 (row major) is supported", e.Message);

        new OnnxGraphBuilder("bad").Input("x", 1, 4).Output("y", 1, 4).Node("Relu", "relu1", ["x"], ["y"], Attributes(("fancy", 1L))).Save(folder["bad2.onnx"]);
        var unknown = Assert.Throws<OnnxImportException>(() => OnnxGraphModule.Load(folder["bad2.onnx"]));
        Assert.Equal("ONNX node 'relu1' (Relu), attribute 'fancy': this attribute is not supported by the import", unknown.Message);
    }
}
