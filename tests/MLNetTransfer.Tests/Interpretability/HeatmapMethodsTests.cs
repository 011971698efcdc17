using MLNetTransfer.Backbones;
using MLNetTransfer.Backbones.Import;
using MLNetTransfer.Core;
using MLNetTransfer.Interpretability;
using MLNetTransfer.Interpretability.Cam;
using MLNetTransfer.Tests.Support;
using MLNetTransfer.Training;
using static TorchSharp.torch;

namespace MLNetTransfer.Tests.Interpretability;

public sealed class HeatmapMethodsTests : IDisposable
{
    readonly TempFolder folder = new();

    public HeatmapMethodsTests() => TorchRuntime.EnsureStarted();

    public void Dispose() => folder.Dispose();

    [Fact]
    public void The_registry_knows_every_method_by_the_name_it_reports()
    {
        Assert.Equal(["grad-cam", "grad-cam++", "score-cam", "faster-score-cam", "hires-cam", "xgrad-cam", "layer-cam", "eigen-cam", "eigen-grad-cam", "ablation-cam",
                "gradient", "smooth-grad", "integrated-gradients"],
            HeatmapMethods.Names);
        Assert.All(HeatmapMethods.Names, name => Assert.Equal(name, HeatmapMethods.Create(name).Name));
        Assert.Equal(["score-cam", "faster-score-cam", "eigen-cam", "ablation-cam"], HeatmapMethods.Names.Where(n => !HeatmapMethods.Create(n).UsesGradients));
        var e = Assert.Throws<ArgumentException>(() => HeatmapMethods.Create("gradcam"));
        Assert.Contains("unknown heat-map method 'gradcam'; known: grad-cam, grad-cam++, score-cam, faster-score-cam, hires-cam", e.Message);
        Assert.Equal(["gradient", "smooth-grad", "integrated-gradients"], HeatmapMethods.Names.Where(n => !HeatmapMethods.Create(n).UsesLayer));
        var eigen = Assert.Throws<ArgumentException>(() => HeatmapMethods.Create("smooth-grad", eigenSmooth: true));
        Assert.StartsWith("smooth-grad has no channels to take a principal component of", eigen.Message);
        Assert.Equal("integrated-gradients+aug-smooth", HeatmapMethods.Create("integrated-gradients", augmentationSmooth: true).FullName);
    }

    [Theory]
    [InlineData("grad-cam")]
    [InlineData("grad-cam++")]
    [InlineData("score-cam")]
    [InlineData("faster-score-cam")]
    [InlineData("hires-cam")]
    [InlineData("xgrad-cam")]
    [InlineData("layer-cam")]
    [InlineData("eigen-cam")]
    [InlineData("eigen-grad-cam")]
    [InlineData("ablation-cam")]
    [InlineData("gradient")]
    [InlineData("smooth-grad")]
    [InlineData("integrated-gradients")]
    public void Each_method_gives_normalised_maps_at_the_image_size_that_follow_the_object(string name)
    {
        // The "dog" logit grows with the red channel's mean: a red square must light up.
        using var scope = NewDisposeScope();
        using var network = RedSquareNetwork.Create(folder, 16);
        var images = zeros(2, 3, 16, 16);
        images[0, 0, 2..6, 9..13] = tensor(1f);
        images[1, 0, 10..15, 1..5] = tensor(1f);

        var (maps, classes) = HeatmapMethods.Create(name).Compute(network, images, "activated", targetClass: 1);
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

    [Fact]
    public void A_model_that_scores_every_image_alike_gets_finite_maps_from_every_method()
    {
        // Gain 0: every logit is 0, so Ablation-CAM's share of the logit lost is 0 / 0 and every gradient is 0.
        using var scope = NewDisposeScope();
        using var network = RedSquareNetwork.Create(folder, 16, gain: 0);
        var images = rand(2, 3, 16, 16);
        Assert.All(HeatmapMethods.Names, name =>
        {
            var (maps, _) = HeatmapMethods.Create(name).Compute(network, images, "activated", targetClass: 1);
            Assert.True(maps.isfinite().all().item<bool>(), $"{name}: a map with NaN or infinity");
        });
    }
}
