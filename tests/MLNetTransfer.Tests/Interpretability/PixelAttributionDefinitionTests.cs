using MLNetTransfer.Interpretability.Attributions;
using MLNetTransfer.Tests.Support;
using static TorchSharp.torch;

namespace MLNetTransfer.Tests.Interpretability;

/// <summary>
/// Each pixel attribution against its paper's definition, on <see cref="HandGradientNetwork"/>, whose gradient with
/// respect to the input is written out by hand: the ReLUs' masks and the convolution's adjoint.
/// </summary>
public sealed class PixelAttributionDefinitionTests : IDisposable
{
    const int Class = 0;
    readonly HandGradientNetwork tiny = new();

    public void Dispose() => tiny.Dispose();

    // How the maps are drawn: each divided by its 99th percentile (the 63rd of 64 values, in order from 0) and clipped.
    static Tensor Drawn(Tensor map)
    {
        var sorted = map.flatten(1).sort(1).Values;
        return (map / (sorted[.., 62].reshape(-1, 1, 1) + 1e-8)).clamp(0, 1);
    }

    void Matches(PixelAttribution method, Tensor attributions, Tensor expectedMap, double tolerance)
    {
        var (maps, classes) = method.Compute(tiny.Network, tiny.Images, "ignored", targetClass: Class);
        Assert.Equal([(long)Class, Class], classes);
        Assert.Equal([2L, HandGradientNetwork.Size, HandGradientNetwork.Size], maps.shape);
        var computed = method.Attributions(tiny.Network, tiny.Images, [Class, Class]);
        var difference = (computed - attributions).abs().max().item<float>();
        Assert.True(difference <= tolerance, $"{method.Name}: max |attribution - definition| = {difference:E2}");
        Assert.True((maps - Drawn(expectedMap)).abs().max().item<float>() <= 1e-4, $"{method.Name}: the map is not the attributions as drawn");
        // A few pixels sit above the percentile and are clipped to 1; the rest keep their order.
        Assert.InRange((maps > 0.9999f).sum().item<long>(), 2, 8);
    }

    [Fact]
    public void The_gradient_is_the_logits_derivative_by_each_pixel_at_its_largest_over_the_colours()
    {
        var gradient = tiny.GradientAtInput(tiny.Images, Class);
        Assert.True((gradient - gradient.mean()).abs().max().item<float>() > 1e-3, "a constant gradient would prove nothing");
        Matches(new VanillaGradient(), gradient, gradient.abs().amax([1]), 1e-6);
    }

    [Fact]
    public void SmoothGrad_averages_the_gradient_over_noisy_copies_of_the_image()
    {
        var method = new SmoothGrad { Samples = 6, NoiseLevel = 0.2 };
        var copies = method.NoisyCopies(tiny.Images).ToList();
        Assert.Equal(6, copies.Count);
        // The noise is the asked share of each image's range, and drawn again the same way.
        var range = tiny.Images.amax([1, 2, 3]) - tiny.Images.amin([1, 2, 3]);
        var spread = (copies[0] - tiny.Images).flatten(1).std(1);
        Assert.True(((spread / range) - 0.2).abs().max().item<float>() < 0.03, $"noise share {(spread / range)[0].item<float>():0.000}");
        Assert.True((copies[3] - method.NoisyCopies(tiny.Images).ElementAt(3)).abs().max().item<float>() == 0);
        var expected = stack(copies.Select(c => tiny.GradientAtInput(c, Class)).ToArray()).mean([0]);
        Matches(method, expected, expected.abs().amax([1]), 1e-6);
        Assert.True((expected - tiny.GradientAtInput(tiny.Images, Class)).abs().max().item<float>() > 1e-3, "noise that changes nothing is not smoothing");
    }

    [Fact]
    public void Integrated_gradients_multiply_the_input_by_the_gradient_averaged_along_the_path_from_zero()
    {
        var method = new IntegratedGradients { Steps = 16 };
        var path = stack(Enumerable.Range(0, 16).Select(i => tiny.GradientAtInput(tiny.Images * ((i + 0.5) / 16), Class)).ToArray()).mean([0]);
        var expected = tiny.Images * path;
        Matches(method, expected, expected.sum(1).abs(), 1e-6);
    }

    [Fact]
    public void Integrated_gradients_add_up_to_the_logits_change_from_the_baseline()
    {
        // Completeness (the paper's axiom): the attributions sum to f(x) - f(0), up to the midpoint rule's error.
        var attributions = new IntegratedGradients { Steps = 256 }.Attributions(tiny.Network, tiny.Images, [Class, Class]);
        var change = tiny.Logits(tiny.A())[.., Class] - tiny.Logits(tiny.A(zeros_like(tiny.Images)))[.., Class];
        var total = attributions.sum([1, 2, 3]);
        Assert.True((change.abs().min().item<float>()) > 0.01f, "a logit that does not change proves nothing");
        Assert.True(((total - change).abs() / change.abs()).max().item<float>() < 0.01f, $"sum {total[0].item<float>():0.0000} against f(x) - f(0) = {change[0].item<float>():0.0000}");
    }
}
