using static TorchSharp.torch;

namespace MLNetTransfer.Backbones.Import;

internal static class NormalizationOperators
{
    /// <summary>
    /// Inference mode uses the stored statistics; a node being trained normalises by the batch and updates the stored
    /// statistics in place. ONNX's momentum weighs the old statistic, torch's the new one, hence 1 - momentum.
    /// </summary>
    public static Kernel BatchNormalization(OnnxNode node)
    {
        var epsilon = node.Float("epsilon", 1e-5f);
        var momentum = node.Float("momentum", 0.9f);
        if (node.Int("spatial", 1) != 1) throw node.Fail("spatial", "only 1 (per-channel statistics) is supported");
        if (node.Int("training_mode", 0) != 0) throw node.Fail("training_mode", "only 0 is supported; training is set by the freezing plan");
        if (node.Outputs.Skip(1).Any(o => o.Length > 0)) throw node.Fail(null, "the running-statistics outputs are not supported");
        return (inputs, training) =>
            nn.functional.batch_norm(inputs[0]!, inputs[3]!, inputs[4]!, inputs[1], inputs[2], training, 1 - momentum, epsilon);
    }

    /// <summary>
    /// ONNX LRN: y = x / (bias + alpha / size * sum of x^2 over a window of channels)^beta, the window reaching
    /// floor((size-1)/2) channels before and ceil((size-1)/2) after (torch's own LRN differs for even sizes).
    /// </summary>
    public static Kernel LocalResponseNorm(OnnxNode node)
    {
        var size = node.Int("size", 0);
        if (size < 1) throw node.Fail("size", "required, and at least 1");
        var alpha = node.Float("alpha", 1e-4f);
        var beta = node.Float("beta", 0.75f);
        var bias = node.Float("bias", 1f);
        var before = (size - 1) / 2;
        var after = size - 1 - before;
        return (inputs, _) =>
        {
            var x = inputs[0]!;
            var channels = x.shape[1];
            // A running sum over channels, with one leading zero, turns each window's sum into one subtraction.
            var sums = nn.functional.pad(x.pow(2), [0, 0, 0, 0, before + 1, after]).cumsum(1);
            var window = sums.narrow(1, size, channels) - sums.narrow(1, 0, channels);
            return x / (window * (alpha / size) + bias).pow(beta);
        };
    }
}
