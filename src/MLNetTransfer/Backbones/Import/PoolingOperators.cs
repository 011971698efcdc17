using static TorchSharp.torch;

namespace MLNetTransfer.Backbones.Import;

internal static class PoolingOperators
{
    public static Kernel MaxPool(OnnxNode node)
    {
        var kernel = node.Ints("kernel_shape") ?? throw node.Fail("kernel_shape", "required");
        if (kernel.Length != 2) throw node.Fail("kernel_shape", "only 2-D pooling is supported");
        var strides = node.Ints("strides") ?? [1, 1];
        var dilations = node.Ints("dilations") ?? [1, 1];
        var ceil = node.Int("ceil_mode", 0) != 0;
        if (node.Int("storage_order", 0) != 0) throw node.Fail("storage_order", "only 0 (row major) is supported");
        if (node.Outputs.Count > 1 && node.Outputs[1].Length > 0) throw node.Fail(null, "the Indices output is not supported");
        var padding = Padding.Read(node);
        return (inputs, _) =>
        {
            // Padded cells never win a max, so pad with -infinity.
            var (x, pads) = padding.Apply(inputs[0]!, kernel, strides, dilations, double.NegativeInfinity);
            return nn.functional.max_pool2d(x, kernel, strides, pads, dilations, ceil);
        };
    }

    public static Kernel AveragePool(OnnxNode node)
    {
        var kernel = node.Ints("kernel_shape") ?? throw node.Fail("kernel_shape", "required");
        if (kernel.Length != 2) throw node.Fail("kernel_shape", "only 2-D pooling is supported");
        var strides = node.Ints("strides") ?? [1, 1];
        var ceil = node.Int("ceil_mode", 0) != 0;
        var includePad = node.Int("count_include_pad", 0) != 0;
        if (node.Ints("dilations") is { } d && d.Any(v => v != 1)) throw node.Fail("dilations", "only 1 is supported");
        var padding = Padding.Read(node);
        long[] ones = [1, 1];
        return (inputs, _) =>
        {
            var x = inputs[0]!;
            var (top, left, bottom, right) = padding.For(x.shape[2], x.shape[3], kernel, strides, ones);
            if (top == 0 && left == 0 && bottom == 0 && right == 0)
                return nn.functional.avg_pool2d(x, kernel, strides, [0, 0], ceil);
            long[] pads = [left, right, top, bottom];
            var sums = nn.functional.avg_pool2d(nn.functional.pad(x, pads), kernel, strides, [0, 0], ceil);
            if (includePad) return sums;
            // Without count_include_pad each window averages its real cells only: divide by their share.
            using var valid = nn.functional.pad(ones_like(x.narrow(0, 0, 1).narrow(1, 0, 1)), pads);
            return sums / nn.functional.avg_pool2d(valid, kernel, strides, [0, 0], ceil);
        };
    }

    public static Kernel GlobalAveragePool(OnnxNode node) =>
        (inputs, _) => inputs[0]!.mean(Spatial(inputs[0]!), keepdim: true);

    public static Kernel GlobalMaxPool(OnnxNode node) =>
        (inputs, _) => inputs[0]!.amax(Spatial(inputs[0]!), keepdim: true);

    static long[] Spatial(Tensor x) => Enumerable.Range(2, (int)x.dim() - 2).Select(i => (long)i).ToArray();
}
