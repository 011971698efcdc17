using static TorchSharp.torch;

namespace MLNetTransfer.Interpretability.Metrics;

/// <summary>
/// A heat-map's faithfulness: blur the most salient share of pixels and see how much the explained class's probability
/// falls, against blurring as many random pixels. A map that finds what the network uses drops it more.
/// </summary>
public static class DeletionTest
{
    /// <summary>
    /// Per image: the class probability on the image as it is, its drop when the top <paramref name="share"/> of the map is
    /// blurred, and its drop when as many random pixels are.
    /// </summary>
    /// <param name="probabilities">The explained model: inputs [N, C, H, W] to class probabilities [N, classes], in inference mode.</param>
    /// <param name="images">Network inputs [N, C, H, W].</param>
    /// <param name="heatmaps">Maps [N, H, W] at the input size.</param>
    /// <param name="classes">The explained class of each image.</param>
    /// <param name="share">Share of pixels blurred. Default: 0.2.</param>
    /// <param name="seed">Seeds the random pixels.</param>
    public static (double Original, double Salient, double Random)[] Run(Func<Tensor, Tensor> probabilities, Tensor images, Tensor heatmaps, long[] classes, double share = 0.2, int seed = 1)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var (n, height, width) = (images.shape[0], images.shape[2], images.shape[3]);
        var count = (long)Math.Round(share * height * width);
        // A strong blur removes detail but keeps colour and brightness, so the image stays in the network's domain.
        var blurred = nn.functional.avg_pool2d(images, [21, 21], [1, 1], [10, 10], count_include_pad: false);

        Tensor Masked(Tensor order) =>
            zeros(n, height * width).scatter(1, order.narrow(1, 0, count), ones(n, count)).reshape(n, 1, height, width);
        var salient = Masked(heatmaps.reshape(n, -1).argsort(1, descending: true));
        var generator = new TorchSharp.torch.Generator((ulong)seed);
        var random = Masked(rand([n, height * width], generator: generator).argsort(1));

        var target = tensor(classes).unsqueeze(1);
        Tensor Probability(Tensor x) => probabilities(x).gather(1, target).squeeze(1);
        var original = Probability(images);
        var salientDrop = original - Probability(images * (1 - salient) + blurred * salient);
        var randomDrop = original - Probability(images * (1 - random) + blurred * random);
        var o = original.data<float>().ToArray();
        var a = salientDrop.data<float>().ToArray();
        var b = randomDrop.data<float>().ToArray();
        return a.Select((v, i) => ((double)o[i], (double)v, (double)b[i])).ToArray();
    }
}
