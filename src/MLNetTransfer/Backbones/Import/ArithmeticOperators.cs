using static TorchSharp.torch;

namespace MLNetTransfer.Backbones.Import;

internal static class ArithmeticOperators
{
    public static Kernel Add(OnnxNode node) => Binary(node, (a, b) => a + b);
    public static Kernel Sub(OnnxNode node) => Binary(node, (a, b) => a - b);
    public static Kernel Mul(OnnxNode node) => Binary(node, (a, b) => a * b);
    public static Kernel Div(OnnxNode node) => Binary(node, (a, b) => a / b);

    // From opset 7 these broadcast like numpy, as torch does. Older models may carry broadcast=1 with an axis, which
    // aligns the second input differently: refuse that rather than compute something else.
    static Kernel Binary(OnnxNode node, Func<Tensor, Tensor, Tensor> operation)
    {
        node.Int("broadcast", 0);
        if (node.Int("axis", -1) != -1) throw node.Fail("axis", "legacy axis-aligned broadcasting is not supported; re-export with opset 7 or later");
        return (inputs, _) => operation(inputs[0]!, inputs[1]!);
    }

    public static Kernel MatMul(OnnxNode node) => (inputs, _) => inputs[0]!.matmul(inputs[1]!);

    /// <summary>Y = alpha * A' B' + beta * C, with A' and B' transposed where transA and transB say.</summary>
    public static Kernel Gemm(OnnxNode node)
    {
        var alpha = node.Float("alpha", 1f);
        var beta = node.Float("beta", 1f);
        var transA = node.Int("transA", 0) != 0;
        var transB = node.Int("transB", 0) != 0;
        return (inputs, _) =>
        {
            var a = transA ? inputs[0]!.t() : inputs[0]!;
            var b = transB ? inputs[1]!.t() : inputs[1]!;
            var y = a.matmul(b);
            if (alpha != 1f) y = y * alpha;
            if (inputs.Length > 2 && inputs[2] is { } c) y = y + (beta == 1f ? c : c * beta);
            return y;
        };
    }
}
