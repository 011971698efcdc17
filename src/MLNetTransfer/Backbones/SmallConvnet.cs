namespace MLNetTransfer.Backbones;

/// <summary>
/// The book's from-scratch convnet (Deep Learning with Python, 5.2), written as an ONNX graph with random weights so
/// it trains through the same import and export as every other backbone: four blocks of 3x3 convolution (32, 64, 128,
/// 128 filters, no padding) + ReLU + 2x2 max pooling, then Flatten. The classifier head adds dropout and the dense
/// layers. Weights are He-normal (suited to ReLU), biases zero, drawn from <c>seed</c>. With
/// <c>batchNormalization</c>, each convolution is followed by a BatchNormalization (scale 1, shift 0, statistics 0 and
/// 1) before its ReLU, as Keras' Conv2D + BatchNormalization + Activation; the convolution then has no bias, which the
/// normalization's shift would cancel.
/// </summary>
public static class SmallConvnet
{
    static readonly int[] Filters = [32, 64, 128, 128];

    public static Backbone Write(string path, int width, int height, int seed, bool batchNormalization = false)
    {
        var random = new Random(seed);
        var builder = new OnnxGraphBuilder("small-convnet").Input("image", 1, 3, height, width);
        var (channels, h, w, current) = (3L, (long)height, (long)width, "image");
        for (var b = 0; b < Filters.Length; b++)
        {
            long filters = Filters[b];
            var fanIn = channels * 9;
            var weights = Enumerable.Range(0, (int)(filters * fanIn)).Select(_ => (float)(Normal(random) * Math.Sqrt(2.0 / fanIn))).ToArray();
            var block = $"block{b + 1}";
            var convInputs = new List<string> { current, $"{block}.weight" };
            builder.Constant($"{block}.weight", [filters, channels, 3, 3], weights);
            if (!batchNormalization)
            {
                builder.Constant($"{block}.bias", [filters], new float[filters]);
                convInputs.Add($"{block}.bias");
            }
            builder.Node("Conv", $"{block}_conv", [.. convInputs], [$"{block}_conv"], new Dictionary<string, object> { ["kernel_shape"] = new long[] { 3, 3 } });
            var reluInput = batchNormalization ? Normalize(builder, block, filters, $"{block}_conv") : $"{block}_conv";
            builder.Node("Relu", $"{block}_relu", [reluInput], [$"{block}_relu"])
                .Node("MaxPool", $"{block}_pool", [$"{block}_relu"], [$"{block}_pool"], new Dictionary<string, object> { ["kernel_shape"] = new long[] { 2, 2 }, ["strides"] = new long[] { 2, 2 } });
            (channels, h, w, current) = (filters, (h - 2) / 2, (w - 2) / 2, $"{block}_pool");
        }
        if (h < 1 || w < 1) throw new ArgumentException($"images of {width} x {height} are too small for four conv+pool blocks; use at least 46 x 46");
        builder.Node("Flatten", "flatten", [current], ["features"]).Output("features", 1, channels * h * w).Save(path);
        return new Backbone("small-convnet", new OnnxStage(path, "image", "features"), width, height,
            ChannelOrder.Rgb, 1f / 255, null);
    }

    // A BatchNormalization that starts as the identity (scale 1, shift 0, statistics 0 and 1); returns its output.
    static string Normalize(OnnxGraphBuilder builder, string block, long filters, string input)
    {
        var ones = Enumerable.Repeat(1f, (int)filters).ToArray();
        var output = $"{block}_bn";
        builder.Constant($"{block}.bn.scale", [filters], ones)
            .Constant($"{block}.bn.shift", [filters], new float[filters])
            .Constant($"{block}.bn.mean", [filters], new float[filters])
            .Constant($"{block}.bn.variance", [filters], ones)
            .Node("BatchNormalization", output, [input, $"{block}.bn.scale", $"{block}.bn.shift", $"{block}.bn.mean", $"{block}.bn.variance"], [output]);
        return output;
    }

    // Box-Muller: a standard normal draw from two uniform ones.
    static double Normal(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
