using MLNetTransfer.Core;
using MLNetTransfer.Interpretability;
using MLNetTransfer.Interpretability.Activations;
using MLNetTransfer.Interpretability.Filters;
using MLNetTransfer.Tests.Support;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace MLNetTransfer.Tests.Interpretability;

/// <summary>
/// The readable filter ascent (the Fourier parametrisation) on every default layer of the bundled ResNet18, the stem
/// included, measured against real photos: each image must excite its filter more than any photo does, and hold no
/// more fine detail than photos (power above half the Nyquist frequency at most twice theirs), the opposite of the
/// coloured noise the plain ascent gives low layers.
/// </summary>
public sealed class ReadableFilterTests(ITestOutputHelper output)
{
    const int Filters = 4;
    const int Photos = 24;

    // The share of an image's power (its mean removed, the three channels summed) above half the Nyquist frequency,
    // radially: frequencies of more than a quarter of a cycle a pixel. [N] for images [N, 3, H, W].
    static Tensor HighFrequencyShare(Tensor images)
    {
        var (height, width) = (images.shape[2], images.shape[3]);
        var power = fft.fft2(images - images.mean([2, 3], keepdim: true)).abs().square().sum(1);
        var fy = fft.fftfreq(height).reshape(-1, 1);
        var fx = fft.fftfreq(width).reshape(1, -1);
        var high = ((fy.square() + fx.square()).sqrt() > 0.25).to_type(float32);
        return (power * high).sum([1, 2]) / power.sum([1, 2]);
    }

    [PetsKaggle500Fact]
    public void Every_default_layers_filter_images_beat_every_photo_and_hold_no_more_fine_detail_than_photos()
    {
        TorchRuntime.EnsureStarted();
        using var explainable = BundledResNet18.Explainable();
        var graph = explainable.Network.Backbone;
        var photos = new[] { "cat", "dog" }.SelectMany(c => Directory.GetFiles(Path.Combine(SharedDatasets.PetsKaggle500, c)).Order(StringComparer.Ordinal).Take(Photos / 2)).ToList();
        using var scope = NewDisposeScope();
        var (inputs, rgb) = explainable.Prepare(photos);
        using var _ = no_grad();
        var photoShare = HighFrequencyShare(tensor(rgb.SelectMany(p => p).ToArray(), [photos.Count, 3, 224, 224])).mean().item<float>();
        var ascent = new FilterAscent(graph, explainable.Inputs, 224, 224);
        var layers = LayerActivations.StageOutputs(graph);
        Assert.Equal(5, layers.Count);   // the stem and the four residual stages
        var failures = new List<string>();
        foreach (var layer in layers)
        {
            using var layerScope = NewDisposeScope();
            Tensor MeanActivations(Tensor networkInputs) => graph.Run(new Dictionary<string, Tensor> { [graph.InputName] = networkInputs }, [layer])[layer].narrow(1, 0, Filters).mean([2, 3]);
            using var result = ascent.Run(layer, [.. Enumerable.Range(0, Filters)], FilterAscentOptions.Readable);
            var onImages = MeanActivations(explainable.Inputs(result.Images)).diagonal();
            var bestPhoto = MeanActivations(inputs).amax([0]);
            var shares = HighFrequencyShare(result.Images.clamp(0, 255));
            for (var f = 0; f < Filters; f++)
            {
                var (own, photo, share) = (onImages[f].item<float>(), bestPhoto[f].item<float>(), shares[f].item<float>());
                output.WriteLine($"{layer} filter {f}: mean activation {own:0.000} on its image, at most {photo:0.000} on {photos.Count} photos; power above half Nyquist {share:P2} (photos {photoShare:P2})");
                
                if (own <= photo) failures.Add($"{layer} filter {f}: {own:0.000} on its image, {photo:0.000} on a photo");
                if (share > 2 * photoShare) failures.Add($"{layer} filter {f}: {share:P2} of its power above half Nyquist, photos {photoShare:P2}");
            }
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }
}
