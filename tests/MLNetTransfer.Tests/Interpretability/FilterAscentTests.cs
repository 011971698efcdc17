using MLNetTransfer.Backbones;
using MLNetTransfer.Backbones.Import;
using MLNetTransfer.Core;
using MLNetTransfer.Interpretability.Filters;
using MLNetTransfer.Tests.Support;
using static TorchSharp.torch;

namespace MLNetTransfer.Tests.Interpretability;

public sealed class FilterAscentTests : IDisposable
{
    readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Each_filters_mean_activation_rises_over_the_steps_and_the_image_leaves_its_start(bool readable)
    {
        TorchRuntime.EnsureStarted();
        var backbone = SmallConvnet.Write(folder["convnet.onnx"], 64, 64, seed: 5);
        using var graph = OnnxGraphModule.Load(backbone.Model.Path);
        graph.eval();
        var ascent = new FilterAscent(graph, rgb => rgb * backbone.Scale, 64, 64);
        var options = (readable ? FilterAscentOptions.Readable : new FilterAscentOptions()) with { Steps = 20 };
        int[] filters = [0, 3, 7];

        using var result = ascent.Run("block2_relu", filters, options);
        using var start = rand([3, 3, 64, 64], generator: new Generator(1)) * 20 + 128;

        Assert.Equal(3, result.End.Length);
        for (var i = 0; i < filters.Length; i++)
        {
            // A filter silent on the start (filter 3 here) climbs through the leak, its values a hundredth of the ReLU's input.
            Assert.True(result.End[i] > result.Start[i], $"filter {filters[i]}: {result.Start[i]} -> {result.End[i]}");
            // Rising along the way, not only at the end: the second half's mean beats the first half's.
            Assert.True(result.History[i][10..].Average() > result.History[i][..10].Average());
        }
        Assert.True((result.Images - start).abs().mean().item<float>() > 1, "the image moved away from the grey start");
        Assert.Equal(3, FilterAscent.Deprocess(result.Images).Length);
    }

    [Fact]
    public void A_filter_the_layer_lacks_is_named_in_the_error()
    {
        TorchRuntime.EnsureStarted();
        var backbone = SmallConvnet.Write(folder["convnet.onnx"], 64, 64, seed: 5);
        using var graph = OnnxGraphModule.Load(backbone.Model.Path);
        var ascent = new FilterAscent(graph, rgb => rgb * backbone.Scale, 64, 64);
        var error = Assert.Throws<DataException>(() => ascent.Run("block1_relu", [1, 40], new FilterAscentOptions { Steps = 1 }));
        Assert.Equal("layer block1_relu has 32 filters; there is no filter 40", error.Message);
    }
}
