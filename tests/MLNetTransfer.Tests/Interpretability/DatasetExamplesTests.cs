using MLNetTransfer.Core;
using MLNetTransfer.Data;
using MLNetTransfer.Interpretability;
using MLNetTransfer.Interpretability.Filters;
using MLNetTransfer.Tests.Support;
using static TorchSharp.torch;

namespace MLNetTransfer.Tests.Interpretability;

public sealed class DatasetExamplesTests : IDisposable
{
    readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    [Fact]
    public void A_filters_examples_are_the_images_it_responds_to_most_strongest_first_cropped_at_its_peak_for_every_layer_asked_at_once()
    {
        TorchRuntime.EnsureStarted();
        SyntheticPets.Generate(folder["pets"], 7, 128, seed: 4);
        var images = Directory.GetFiles(folder["pets"], "*.png", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();
        using var run = BundledResNet18.Explainable();
        // The first stage (56 x 56 cells of 4 pixels: 32-pixel crops, the least) and the third (14 x 14 cells of 16: 64-pixel crops).
        var filters = new Dictionary<string, IReadOnlyList<int>> { ["ReLU283_Output_0"] = [5], ["ReLU347_Output_0"] = [3, 10] };

        // Batches of 5 make the kept best lists merge across batches.
        var examples = DatasetExamples.Find(run, filters, images, size: 20, batchSize: 5);

        using var scope = NewDisposeScope();
        var (inputs, rgb) = run.Prepare(images);
        using var _ = no_grad();
        var activations = run.Network.Backbone.Run(new Dictionary<string, Tensor> { [run.Network.Backbone.InputName] = inputs }, [.. filters.Keys]);
        foreach (var (layer, channels) in filters)
        {
            var cells = activations[layer].shape[3];
            var window = (int)Math.Max(32, 4 * 224 / cells);
            for (var j = 0; j < channels.Count; j++)
            {
                var found = examples[layer][j];
                Assert.Equal(DatasetExamples.Count, found.Count);
                Assert.All(found, crop => Assert.Equal(3 * 20 * 20, crop.Length));
                var (peaks, places) = activations[layer][.., channels[j]].flatten(1).max(1);
                var order = peaks.argsort(descending: true).data<long>().ToArray();
                for (var rank = 0; rank < DatasetExamples.Count; rank++)
                {
                    // The crop at each rank is the window (4 cells, at least 32 pixels) around that image's peak, scaled to 20 pixels.
                    var i = order[rank];
                    var at = places[i].item<long>();
                    var (y, x) = (at / cells, at % cells);
                    var top = (int)Math.Clamp((y + 0.5) * 224 / cells - window / 2, 0, 224 - window);
                    var left = (int)Math.Clamp((x + 0.5) * 224 / cells - window / 2, 0, 224 - window);
                    var expected = nn.functional.interpolate(tensor(rgb[i], [1, 3, 224, 224]).narrow(2, top, window).narrow(3, left, window), [20, 20],
                        mode: InterpolationMode.Bilinear, align_corners: false).flatten();
                    Assert.True((tensor(found[rank]) - expected).abs().max().item<float>() < 1e-3, $"{layer} filter {channels[j]}, rank {rank}: not image {i}'s crop at its peak");
                }
            }
        }
    }
}
