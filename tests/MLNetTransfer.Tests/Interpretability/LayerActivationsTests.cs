using MLNetTransfer.Backbones;
using MLNetTransfer.Backbones.Import;
using MLNetTransfer.Core;
using MLNetTransfer.Interpretability.Activations;
using MLNetTransfer.Tests.Support;
using static TorchSharp.torch;

namespace MLNetTransfer.Tests.Interpretability;

public sealed class LayerActivationsTests : IDisposable
{
    readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    [Fact]
    public void Resnet18_shows_its_first_eight_convolution_and_relu_outputs_and_its_five_stages()
    {
        TorchRuntime.EnsureStarted();
        using var graph = OnnxGraphModule.Load(BundledBackbones.ResNet18().Model.Path);
        var layers = LayerActivations.DefaultLayers(graph);
        Assert.Equal(8, layers.Count);
        Assert.Equal(["Conv", "Relu", "Conv", "Relu"], layers.Take(4).Select(l => graph.Layers.Single(n => n.Outputs.Contains(l)).OpType));
        var stages = LayerActivations.StageOutputs(graph);
        Assert.Equal(5, stages.Count);
        Assert.Equal(ExplainedLayer.Default(graph), stages[^1]);

        using var image = rand([1, 3, 224, 224]) * 255 - 128;
        var outputs = LayerActivations.Compute(graph, image, [layers[0], stages[^1]]);
        Assert.Equal([64L, 112, 112], outputs[layers[0]].shape);
        Assert.Equal([512L, 7, 7], outputs[stages[^1]].shape);

        var error = Assert.Throws<DataException>(() => LayerActivations.Compute(graph, image, ["nope"]));
        Assert.StartsWith("layer(s) nope: the network has no such tensor", error.Message);
    }

    [Fact]
    public void The_grid_has_a_title_line_and_one_enlarged_tile_per_channel_and_a_silent_channel_stays_dark()
    {
        TorchRuntime.EnsureStarted();
        // 9 channels of 7 x 7: a 3 x 3 grid of tiles enlarged to 70 px, 4 px apart, under a 22 px title line.
        using var activation = rand([9, 7, 7]);
        activation[4] = zeros(7, 7);
        var path = folder["grid.png"];
        LayerActivations.WriteGrid(path, "layer", activation);
        using var grid = SkiaSharp.SKBitmap.Decode(path);
        Assert.Equal((3 * 70 + 2 * 4, 22 + 3 * 70 + 2 * 4), (grid.Width, grid.Height));
        var silent = grid.GetPixel(74 + 35, 22 + 74 + 35);
        Assert.Equal((68, 1, 84), (silent.Red, silent.Green, silent.Blue));
        Assert.Contains(Enumerable.Range(0, grid.Width).SelectMany(x => Enumerable.Range(0, 20).Select(y => grid.GetPixel(x, y))), p => p.Red < 128);
    }
}
