using MLNetTransfer.Backbones;
using MLNetTransfer.Backbones.Import;
using MLNetTransfer.Core;
using MLNetTransfer.Interpretability.Cam;
using MLNetTransfer.Tests.Support;
using MLNetTransfer.Training;
using static TorchSharp.torch;

namespace MLNetTransfer.Tests.Interpretability;

public sealed class GradCamTests : IDisposable
{
    readonly TempFolder folder = new();

    public GradCamTests() => TorchRuntime.EnsureStarted();

    public void Dispose() => folder.Dispose();

    [Fact]
    public void On_resnet18_with_a_linear_head_grad_cam_equals_the_class_activation_map_of_the_head_weights()
    {
        using var scope = NewDisposeScope();
        manual_seed(7);
        var backbone = OnnxGraphModule.Load(BundledBackbones.ResNet18().Model.Path);
        using var network = new TransferNetwork(backbone, new ClassifierHead(512, [], 3, 0));
        var images = randn(2, 3, 224, 224) * 60;
        var layer = ExplainedLayer.Default(backbone);
        Assert.Equal("AveragePool", backbone.Layers.Single(l => l.Inputs.Contains(layer)).OpType);

        // The predicted class: its logit is the largest, so its map is not all zero after ReLU.
        var (heatmaps, classes) = new GradCam().Compute(network, images, layer);

        // CAM (Zhou et al., 2016): the head's weights of the class over the last block's channels, ReLU, normalised.
        using var _ = no_grad();
        var activations = backbone.Run(new Dictionary<string, Tensor> { ["Input247"] = images }, [layer])[layer];
        var weights = network.Head.DenseLayers[^1].weight!.index_select(0, tensor(classes));
        var cam = nn.functional.relu((weights.unsqueeze(-1).unsqueeze(-1) * activations).sum(1));
        cam = cam / cam.amax([1, 2], keepdim: true);
        var expected = nn.functional.interpolate(cam.unsqueeze(1), [224, 224], mode: InterpolationMode.Bilinear, align_corners: false).squeeze(1);
        Assert.Equal([2L, 224, 224], heatmaps.shape);
        var difference = (heatmaps - expected).abs().max().item<float>();
        Assert.True(difference <= 1e-5, $"max |Grad-CAM - CAM| = {difference:E2}");
        Assert.True(heatmaps.amax([1, 2]).min().item<float>() > 0.99f, "each map reaches 1 after normalisation");
    }

    [Fact]
    public void The_layer_gradients_grad_cam_uses_match_finite_differences()
    {
        var random = new Random(3);
        float[] Values(int n) => Enumerable.Range(0, n).Select(_ => random.NextSingle() - 0.5f).ToArray();
        new OnnxGraphBuilder("tiny").Input("x", 1, 3, 6, 6).Output("pooled", 1, 4, 1, 1)
            .Constant("w", [4, 3, 3, 3], Values(108)).Constant("b", [4], Values(4))
            .Node("Conv", "conv", ["x", "w", "b"], ["features"], new Dictionary<string, object> { ["pads"] = new long[] { 1, 1, 1, 1 } })
            .Node("Relu", "relu", ["features"], ["activated"])
            .Node("GlobalAveragePool", "pool", ["activated"], ["pooled"])
            .Save(folder["tiny.onnx"]);
        using var scope = NewDisposeScope();
        manual_seed(11);
        var backbone = OnnxGraphModule.Load(folder["tiny.onnx"]);
        using var network = new TransferNetwork(backbone, new ClassifierHead(4, [5], 2, 0));
        var image = randn(1, 3, 6, 6);

        var (activations, gradients, classes) = CamMethod.Capture(network, image, "features", targetClasses: [0]);
        Assert.Equal([0L], classes);

        // Central differences of the class-0 logit, perturbing the captured layer's tensor one element at a time.
        using var _ = no_grad();
        float Logit(Tensor features) => network.ForwardFrom("features", features)[0, 0].item<float>();
        const float step = 1e-3f;
        var flat = activations.flatten();
        var analytic = gradients!.flatten();
        for (long i = 0; i < flat.shape[0]; i += 7)
        {
            var plus = flat.clone();
            plus[i] += step;
            var minus = flat.clone();
            minus[i] -= step;
            var numeric = (Logit(plus.reshape(activations.shape)) - Logit(minus.reshape(activations.shape))) / (2 * step);
            Assert.True(Math.Abs(numeric - analytic[i].item<float>()) < 2e-3, $"element {i}: finite difference {numeric}, gradient {analytic[i].item<float>()}");
        }
        Assert.True(analytic.abs().sum().item<float>() > 0, "a gradient that is all zero proves nothing");
    }
}
