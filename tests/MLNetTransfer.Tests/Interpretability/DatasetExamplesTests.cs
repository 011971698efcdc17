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
    public void A_filters_examples_are_the_images_it_responds_to_most_strongest_first_cropped_at_its_peak()
    {
        TorchRuntime.EnsureStarted();
        SyntheticPets.Generate(folder["pets"], 7, 128, seed: 4);
        var images = Directory.GetFiles(folder["pets"], "*.png", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();
        using var run = BundledResNet18.Explainable();
        const string layer = "ReLU347_Output_0";   // the third stage: 14 x 14 cells of 16 pixels
        int[] filters = [3, 10];

        // Batches of 5 make the kept best lists merge across batches.
        var examples = DatasetExamples.Find(run, layer, filters, images, size: 20, batchSize: 5);

        using var scope = NewDisposeScope();
        var (inputs, rgb) = run.Prepare(images);
        using var _ = no_grad();
        var activations = run.Network.Backbone.Run(new Dictionary<string, Tensor> { [run.Network.Backbone.InputName] = inputs }, [layer])[layer];
        for (var j = 0; j < filters.Length; j++)
        {
            Assert.Equal(DatasetExamples.Count, examples[j].Count);
            Assert.All(examples[j], crop => Assert.Equal(3 * 20 * 20, crop.Length));
            var (peaks, places) = activations[.., filters[j]].flatten(1).max(1);
            var order = peaks.argsort(descending: true).data<long>().ToArray();
            for (var rank = 0; rank < DatasetExamples.Count; rank++)
            {
                // The crop at each rank is the 64-pixel window (4 cells) around that image's peak, scaled to 20 pixels.
                var i = order[rank];
                var at = places[i].item<long>();
                var (y, x) = (at / 14, at % 14);
                var top = (int)Math.Clamp((y + 0.5) * 16 - 32, 0, 224 - 64);
                var left = (int)Math.Clamp((x + 0.5) * 16 - 32, 0, 224 - 64);
                var expected = nn.functional.interpolate(tensor(rgb[i], [1, 3, 224, 224]).narrow(2, top, 64).narrow(3, left, 64), [20, 20],
                    mode: InterpolationMode.Bilinear, align_corners: false).flatten();
                Assert.True((tensor(examples[j][rank]) - expected).abs().max().item<float>() < 1e-3, $"filter {filters[j]}, rank {rank}: not image {i}'s crop at its peak");
            }
        }
    }
}
