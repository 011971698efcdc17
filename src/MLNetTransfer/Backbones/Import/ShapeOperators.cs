using TorchSharp;
using static TorchSharp.torch;

namespace MLNetTransfer.Backbones.Import;

internal static class ShapeOperators
{
    public static Kernel Identity(OnnxNode node) => (inputs, _) => inputs[0]!.alias();

    public static Kernel Flatten(OnnxNode node)
    {
        var axis = node.Int("axis", 1);
        return (inputs, _) =>
        {
            var x = inputs[0]!;
            var at = axis < 0 ? axis + x.dim() : axis;
            var rows = x.shape.Take((int)at).Aggregate(1L, (a, b) => a * b);
            return x.reshape(rows, -1);
        };
    }

    /// <summary>The target shape is a constant; 0 copies the input's dimension, -1 is inferred.</summary>
    public static Kernel Reshape(OnnxNode node)
    {
        var shape = node.Opset < 5 ? node.Ints("shape") ?? throw node.Fail("shape", "required") : node.ConstantInts(1, "shape");
        if (node.Int("allowzero", 0) != 0) throw node.Fail("allowzero", "only 0 is supported");
        return (inputs, _) =>
        {
            var x = inputs[0]!;
            return x.reshape(shape.Select((d, i) => d == 0 ? x.shape[i] : d).ToArray());
        };
    }

    /// <summary>Sizes are an attribute before opset 13 and a constant input from it on; without them, equal parts.</summary>
    public static MultiKernel Split(OnnxNode node)
    {
        var axis = node.Int("axis", 0);
        var sizes = node.Opset < 13 ? node.Ints("split") : node.HasInput(1) ? node.ConstantInts(1, "split") : null;
        var parts = node.Outputs.Count;
        return (inputs, _) =>
        {
            var x = inputs[0]!;
            var at = axis < 0 ? axis + x.dim() : axis;
            var lengths = sizes ?? Enumerable.Repeat(x.shape[at] / parts, parts).ToArray();
            return x.split(lengths, at);
        };
    }

    public static Kernel Concat(OnnxNode node)
    {
        var axis = node.Int("axis", long.MinValue);
        if (axis == long.MinValue) throw node.Fail("axis", "required");
        return (inputs, _) => cat(inputs.Where(t => t is not null).Select(t => t!).ToList(), axis);
    }

    /// <summary>Pads are an attribute before opset 11 and a constant input from it on, in ONNX order (all begins, then all ends).</summary>
    public static Kernel Pad(OnnxNode node)
    {
        var modern = node.Opset >= 11;
        var pads = modern ? node.ConstantInts(1, "pads") : node.Ints("pads") ?? throw node.Fail("pads", "required");
        var value = modern ? (node.HasInput(2) ? node.ConstantFloats(2, "constant_value").Single() : 0f) : node.Float("value", 0f);
        if (node.HasInput(3)) throw node.Fail(null, "the axes input is not supported");
        var mode = node.String("mode", "constant") switch
        {
            "constant" => PaddingModes.Constant,
            "reflect" => PaddingModes.Reflect,
            "edge" => PaddingModes.Replicate,
            var other => throw node.Fail("mode", $"'{other}' is not supported (constant, reflect, edge)"),
        };
        var rank = pads.Length / 2;
        if (mode != PaddingModes.Constant && (pads[0] != 0 || pads[1] != 0 || pads[rank] != 0 || pads[rank + 1] != 0))
            throw node.Fail("mode", "reflect and edge padding is supported on spatial dimensions only");
        // torch lists (begin, end) pairs from the last dimension backwards.
        var torchPads = Enumerable.Range(0, rank).Reverse().SelectMany(d => new[] { pads[d], pads[d + rank] }).ToArray();
        if (mode != PaddingModes.Constant) torchPads = torchPads[..^4];
        return (inputs, _) => nn.functional.pad(inputs[0]!, torchPads, mode, value);
    }

    /// <summary>Identity in inference; while its node trains, drops with the model's ratio.</summary>
    public static Kernel Dropout(OnnxNode node)
    {
        node.Int("is_test", 0);
        var ratio = node.Opset < 12 ? node.Float("ratio", 0.5f) : node.HasInput(1) ? node.ConstantFloats(1, "ratio").Single() : 0.5f;
        if (node.HasInput(2)) throw node.Fail(null, "the training_mode input is not supported; training is set by the freezing plan");
        if (node.Outputs.Count > 1 && node.Outputs[1].Length > 0) throw node.Fail(null, "the mask output is not supported");
        return (inputs, training) => nn.functional.dropout(inputs[0]!, ratio, training);
    }
}
