using MLNetTransfer.Backbones;
using MLNetTransfer.Backbones.Import;
using MLNetTransfer.Core;
using MLNetTransfer.Interpretability.Metrics;
using MLNetTransfer.Tests.Support;
using MLNetTransfer.Training;
using static TorchSharp.torch;

namespace MLNetTransfer.Tests.Interpretability;

public sealed class RoadTestTests : IDisposable
{
    readonly TempFolder folder = new();

    public RoadTestTests() => TorchRuntime.EnsureStarted();

    public void Dispose() => folder.Dispose();

    [Theory]
    [InlineData(32)]    // solved on its own grid
    [InlineData(160)]   // solved on coarser grids first
    public void Linear_imputation_refills_a_linear_image_and_keeps_every_pixel_it_does_not_remove(int size)
    {
        using var scope = NewDisposeScope();
        // Each channel a plane a*row + b*column + c: every inner pixel is the weighted mean of its 8 neighbours.
        var rows = arange(size, dtype: float32).reshape(1, size, 1);
        var columns = arange(size, dtype: float32).reshape(1, 1, size);
        var image = (tensor(new float[] { 2, -1, 0.5f }).reshape(3, 1, 1) * rows + tensor(new float[] { 0.5f, 3, -2 }).reshape(3, 1, 1) * columns + 10).unsqueeze(0);
        var generator = new Generator(4);
        var removed = (rand([1, 1, size, size], generator: generator) < 0.7).to_type(float32);
        removed[.., .., 0] = tensor(0f);
        removed[.., .., ^1] = tensor(0f);
        removed[.., .., .., 0] = tensor(0f);
        removed[.., .., .., ^1] = tensor(0f);
        Assert.True(removed.sum().item<float>() > 0.5 * size * size, "most of the image is removed");

        var imputed = RoadTest.Impute(image, removed, noise: 0);
        var error = ((imputed - image).abs() * removed).max().item<float>();
        // Solved well below the noise ROAD then adds, 1% of a channel's spread.
        var noise = (image.std([2, 3]) * RoadTest.Noise).min().item<float>();
        Assert.True(error < noise / 2, $"max |imputed - plane| = {error}, ROAD's noise {noise}");
        Assert.Equal(0f, ((imputed - image).abs() * (1 - removed)).max().item<float>());

        // The noise is ROAD's: 1% of each channel's spread, on the removed pixels only.
        var noisy = RoadTest.Impute(image, removed, RoadTest.Noise, new Generator(5));
        var residual = (noisy - imputed).masked_select(removed.expand_as(image).to_type(ScalarType.Bool));
        var expected = (image.std([2, 3]) * RoadTest.Noise).mean().item<float>();
        Assert.InRange(residual.std().item<float>(), expected * 0.7, expected * 1.3);
    }

    [Fact]
    public void A_map_on_what_the_network_uses_scores_high_under_road_and_its_inverse_scores_below_zero()
    {
        using var scope = NewDisposeScope();
        using var network = RedSquareNetwork.Create(folder, 32, gain: 4);
        network.eval();
        Tensor Probabilities(Tensor x) => nn.functional.softmax(network.forward(x), 1);
        var images = zeros(1, 3, 32, 32);
        images[0, 0, 4..20, 8..24] = tensor(1f);
        // The square, with a slope so that the order inside and outside it is fixed; and its inverse.
        var slope = arange(32 * 32, dtype: float32).reshape(1, 32, 32) / (32 * 32 * 10);
        var onSquare = images[.., 0] + slope;
        var offSquare = 1.1f - onSquare;

        var faithful = RoadTest.Run(Probabilities, images, onSquare, [1])[0];
        var inverse = RoadTest.Run(Probabilities, images, offSquare, [1])[0];
        Assert.Equal(RoadTest.Shares.Count, faithful.MostRelevantFirst.Count);
        // Removing the square first takes the red away; removing the background first leaves it.
        Assert.True(faithful.MostRelevantFirst[2] > 0.2, $"MoRF at 30%: {faithful.MostRelevantFirst[2]}");
        Assert.True(faithful.LeastRelevantFirst[2] < 0.05, $"LeRF at 30%: {faithful.LeastRelevantFirst[2]}");
        Assert.True(faithful.Combined > 0.1, $"combined {faithful.Combined}");
        Assert.True(inverse.Combined < 0, $"inverse map's combined {inverse.Combined}");
    }
}
