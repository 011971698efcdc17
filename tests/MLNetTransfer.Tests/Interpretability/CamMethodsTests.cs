using MLNetTransfer.Backbones;
using MLNetTransfer.Backbones.Import;
using MLNetTransfer.Core;
using MLNetTransfer.Interpretability.Cam;
using MLNetTransfer.Tests.Support;
using MLNetTransfer.Training;
using static TorchSharp.torch;

namespace MLNetTransfer.Tests.Interpretability;

public sealed class CamMethodsTests : IDisposable
{
    readonly TempFolder folder = new();

    public CamMethodsTests() => TorchRuntime.EnsureStarted();

    public void Dispose() => folder.Dispose();

    [Fact]
    public void The_registry_knows_every_method_by_the_name_it_reports()
    {
        Assert.Equal(["grad-cam", "grad-cam++", "score-cam"], CamMethods.Names);
        Assert.All(CamMethods.Names, name => Assert.Equal(name, CamMethods.Create(name).Name));
        Assert.False(CamMethods.Create("score-cam").UsesGradients);
        var e = Assert.Throws<ArgumentException>(() => CamMethods.Create("gradcam"));
        Assert.Contains("unknown CAM method 'gradcam'; known: grad-cam, grad-cam++, score-cam", e.Message);
    }

    [Theory]
    [InlineData("grad-cam")]
    [InlineData("grad-cam++")]
    [InlineData("score-cam")]
    public void Each_method_gives_normalised_maps_at_the_image_size_that_follow_the_object(string name)
    {
        // A tiny net whose "dog" logit grows with the red channel's mean: a red square must light up.
        var w = new float[2 * 3 * 3 * 3];
        for (var i = 0; i < 9; i++) w[i] = 1f;            // filter 0 sums the red channel
        for (var i = 0; i < 9; i++) w[27 + 9 + i] = 1f;   // filter 1 sums the green channel
        new OnnxGraphBuilder("tiny").Input("x", 1, 3, 16, 16).Output("pooled", 1, 2, 1, 1)
            .Constant("w", [2, 3, 3, 3], w)
            .Node("Conv", "conv", ["x", "w"], ["features"], new Dictionary<string, object> { ["pads"] = new long[] { 1, 1, 1, 1 } })
            .Node("Relu", "relu", ["features"], ["activated"])
            .Node("GlobalAveragePool", "pool", ["activated"], ["pooled"])
            .Save(folder["tiny.onnx"]);
        using var scope = NewDisposeScope();
        using var network = new TransferNetwork(OnnxGraphModule.Load(folder["tiny.onnx"]), new ClassifierHead(2, [], 2, 0));
        using (no_grad())
        {
            network.Head.DenseLayers[0].weight!.copy_(tensor(new float[] { -1, 1, 1, -1 }, [2, 2]));   // class 1 = red - green
            network.Head.DenseLayers[0].bias!.zero_();
        }
        var images = zeros(2, 3, 16, 16);
        images[0, 0, 2..6, 9..13] = tensor(1f);
        images[1, 0, 10..15, 1..5] = tensor(1f);

        var (maps, classes) = CamMethods.Create(name).Compute(network, images, "activated", targetClass: 1);
        Assert.Equal([2L, 16, 16], maps.shape);
        Assert.True(maps.min().item<float>() >= 0 && maps.max().item<float>() <= 1.0001f);
        Assert.Equal([1L, 1], classes);
        // The hottest pixel lies on (or right beside) each image's red square.
        (int X, int Y) Peak(Tensor map) { var i = map.flatten().argmax().item<long>(); return ((int)(i % 16), (int)(i / 16)); }
        var (x0, y0) = Peak(maps[0]);
        Assert.InRange(x0, 8, 13);
        Assert.InRange(y0, 1, 6);
        var (x1, y1) = Peak(maps[1]);
        Assert.InRange(x1, 0, 5);
        Assert.InRange(y1, 9, 15);
    }
}
