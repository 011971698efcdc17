using static TorchSharp.torch;

namespace MLNetTransfer.Backbones.Import;

internal static class ActivationOperators
{
    public static Kernel Relu(OnnxNode node) => (inputs, _) => nn.functional.relu(inputs[0]!);

    public static Kernel Sigmoid(OnnxNode node) => (inputs, _) => nn.functional.sigmoid(inputs[0]!);

    public static Kernel LeakyRelu(OnnxNode node)
    {
        var alpha = node.Float("alpha", 0.01f);
        return (inputs, _) => nn.functional.leaky_relu(inputs[0]!, alpha);
    }

    public static Kernel HardSigmoid(OnnxNode node)
    {
        var alpha = node.Float("alpha", 0.2f);
        var beta = node.Float("beta", 0.5f);
        return (inputs, _) => (inputs[0]! * alpha + beta).clamp(0, 1);
    }

    // ONNX and torch define it the same way: x * max(0, min(1, x / 6 + 0.5)).
    public static Kernel HardSwish(OnnxNode node) => (inputs, _) => nn.functional.hardswish(inputs[0]!);

    /// <summary>Bounds are attributes before opset 11 and constant inputs from it on; a missing bound is unbounded.</summary>
    public static Kernel Clip(OnnxNode node)
    {
        float? min, max;
        if (node.Opset < 11)
        {
            min = node.Float("min", float.NegativeInfinity);
            max = node.Float("max", float.PositiveInfinity);
        }
        else
        {
            min = node.HasInput(1) ? node.ConstantFloats(1, "min").Single() : null;
            max = node.HasInput(2) ? node.ConstantFloats(2, "max").Single() : null;
        }
        return (inputs, _) =>
        {
            var x = inputs[0]!;
            if (min is { } low) x = x.clamp_min(low);
            return max is { } high ? x.clamp_max(high) : x;
        };
    }

    /// <summary>From opset 13 over one axis (default -1); before, over the input flattened to 2-D at axis (default 1).</summary>
    public static Kernel Softmax(OnnxNode node)
    {
        var modern = node.Opset >= 13;
        var axis = node.Int("axis", modern ? -1 : 1);
        return (inputs, _) =>
        {
            var x = inputs[0]!;
            var at = axis < 0 ? axis + x.dim() : axis;
            if (modern || at == x.dim() - 1) return nn.functional.softmax(x, at);
            var shape = x.shape;
            var rows = shape.Take((int)at).Aggregate(1L, (a, b) => a * b);
            return nn.functional.softmax(x.reshape(rows, -1), 1).reshape(shape);
        };
    }
}
