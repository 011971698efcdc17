using MLNetTransfer.Backbones.Import;
using static TorchSharp.torch;

namespace MLNetTransfer.Cli.Benchmarks;

/// <summary>
/// The most images per second this CPU's arithmetic allows: its measured matrix-multiply rate over a network's
/// floating-point operations per image (a training step costs about three forward passes).
/// </summary>
public static class ArithmeticLimit
{
    /// <summary>
    /// The practical peak in GFLOP/s with TorchSharp's threads: the fastest run of a large matrix product or a large
    /// 3 x 3 convolution (libtorch's convolutions can outrun its matrix product), in float32 or another type.
    /// </summary>
    public static double MeasureGflops(double seconds, ScalarType type = ScalarType.Float32)
    {
        const int n = 2048;
        using var a = randn(n, n).to(type);
        using var b = randn(n, n).to(type);
        var product = Timing.Fastest(() => { using var _ = a.matmul(b); }, seconds / 2);

        using var image = randn(8, 256, 56, 56).to(type);
        using var kernel = randn(256, 256, 3, 3).to(type);
        var convolution = Timing.Fastest(() => { using var _ = nn.functional.conv2d(image, kernel, padding: [1, 1]); }, seconds / 2);
        return Math.Max(2.0 * n * n * n / product, 2.0 * 8 * 256 * 56 * 56 * 256 * 9 / convolution) / 1e9;
    }

    /// <summary>GFLOP of one forward pass of <paramref name="graph"/> on one image: its convolutions and dense layers, multiply-adds counted twice.</summary>
    public static double ForwardGflop(OnnxGraphModule graph, long[] inputShape)
    {
        var weighted = graph.Layers.Where(l => l.OpType is "Conv" or "Gemm" or "MatMul" && l.Inputs.Count > 1).ToList();
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        var outputs = graph.Run(new Dictionary<string, Tensor> { [graph.InputName] = zeros(inputShape) }, weighted.Select(l => l.Outputs[0]).ToList());
        var flop = 0.0;
        foreach (var layer in weighted)
        {
            var output = outputs[layer.Outputs[0]];
            var weight = graph.ParameterShape(layer.Inputs[1]);
            // Each output element sums one weight row: in-channels per group x kernel for a convolution, in-features for a dense layer.
            var perOutput = layer.OpType == "Conv" ? weight.Skip(1).Aggregate(1L, (p, d) => p * d) : weight.Aggregate(1L, (p, d) => p * d) / output.shape[^1];
            flop += 2.0 * output.numel() / inputShape[0] * perOutput;
        }
        return flop / 1e9;
    }
}
