namespace MLNetTransfer.Backbones.Import;

/// <summary>The ONNX operators the import supports, each compiled from its node once at import time.</summary>
internal static class OnnxOperators
{
    static readonly Dictionary<string, Func<OnnxNode, Kernel>> Compilers = new()
    {
        ["Conv"] = ConvolutionOperators.Conv,
        ["BatchNormalization"] = NormalizationOperators.BatchNormalization,
        ["LRN"] = NormalizationOperators.LocalResponseNorm,
        ["Relu"] = ActivationOperators.Relu,
        ["LeakyRelu"] = ActivationOperators.LeakyRelu,
        ["Clip"] = ActivationOperators.Clip,
        ["Sigmoid"] = ActivationOperators.Sigmoid,
        ["HardSigmoid"] = ActivationOperators.HardSigmoid,
        ["HardSwish"] = ActivationOperators.HardSwish,
        ["Softmax"] = ActivationOperators.Softmax,
        ["Add"] = ArithmeticOperators.Add,
        ["Sub"] = ArithmeticOperators.Sub,
        ["Mul"] = ArithmeticOperators.Mul,
        ["Div"] = ArithmeticOperators.Div,
        ["MatMul"] = ArithmeticOperators.MatMul,
        ["Gemm"] = ArithmeticOperators.Gemm,
        ["MaxPool"] = PoolingOperators.MaxPool,
        ["AveragePool"] = PoolingOperators.AveragePool,
        ["GlobalAveragePool"] = PoolingOperators.GlobalAveragePool,
        ["GlobalMaxPool"] = PoolingOperators.GlobalMaxPool,
        ["Flatten"] = ShapeOperators.Flatten,
        ["Reshape"] = ShapeOperators.Reshape,
        ["Concat"] = ShapeOperators.Concat,
        ["Pad"] = ShapeOperators.Pad,
        ["Dropout"] = ShapeOperators.Dropout,
        ["Identity"] = ShapeOperators.Identity,
    };

    // Operators with several outputs.
    static readonly Dictionary<string, Func<OnnxNode, MultiKernel>> MultiCompilers = new()
    {
        ["Split"] = ShapeOperators.Split,
    };

    /// <summary>Operator names accepted, Constant included (it is folded at import).</summary>
    public static IReadOnlyCollection<string> Supported { get; } = [.. Compilers.Keys, .. MultiCompilers.Keys, "Constant"];

    /// <summary>The element-wise activations among <see cref="Supported"/>: what a heat-map or an activation grid shows after a convolution.</summary>
    public static IReadOnlySet<string> Activations { get; } = new HashSet<string> { "Relu", "LeakyRelu", "Clip", "Sigmoid", "HardSigmoid", "HardSwish" };

    public static MultiKernel Compile(OnnxNode node)
    {
        MultiKernel kernel;
        if (Compilers.TryGetValue(node.OpType, out var compile))
        {
            var single = compile(node);
            kernel = (inputs, training) => [single(inputs, training)];
        }
        else if (MultiCompilers.TryGetValue(node.OpType, out var compileMany)) kernel = compileMany(node);
        else throw node.Fail(null, $"operator not supported by the import; supported: {string.Join(", ", Supported.Order(StringComparer.Ordinal))}");
        node.RejectUnreadAttributes();
        return kernel;
    }
}
