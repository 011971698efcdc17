using static TorchSharp.torch;

namespace MLNetTransfer.Interpretability.Metrics;

/// <summary>
/// ROAD, RemOve And Debias (Rong et al., 2022): a map's faithfulness measured without the removal itself telling the
/// network what was removed. Pixels are removed in the map's order, most relevant first (MoRF) and least relevant
/// first (LeRF), at 10% to 90% of the image, and each removed pixel is filled by noisy linear imputation: the weighted
/// mean of its 8 neighbours (1/6 across, 1/12 diagonally), solved for all removed pixels at once, plus a little noise.
/// A faithful map loses much of the class probability under MoRF and little under LeRF.
/// </summary>
public static class RoadTest
{
    /// <summary>The shares of pixels removed: 10%, 20%, ... 90%.</summary>
    public static IReadOnlyList<double> Shares { get; } = [.. Enumerable.Range(1, 9).Select(i => i / 10.0)];

    /// <summary>ROAD's noise: its standard deviation is this share of each channel's spread over the image.</summary>
    public const double Noise = 0.01;

    /// <summary>Conjugate-gradient steps at most on the coarsest grid, from a pull-push first guess.</summary>
    public const int DefaultCoarseSteps = 200;

    /// <summary>
    /// Per image, the drop in the class probability when <see cref="Shares"/> of its pixels are removed, most relevant
    /// first and least relevant first.
    /// </summary>
    /// <param name="probabilities">The explained model: inputs [N, C, H, W] to class probabilities [N, classes], in inference mode.</param>
    /// <param name="images">Network inputs [N, C, H, W].</param>
    /// <param name="heatmaps">Maps [N, H, W] at the input size.</param>
    /// <param name="classes">The explained class of each image.</param>
    /// <param name="seed">Seeds the imputation's noise.</param>
    public static RoadScores[] Run(Func<Tensor, Tensor> probabilities, Tensor images, Tensor heatmaps, long[] classes, int seed = 1)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var (n, height, width) = (images.shape[0], images.shape[2], images.shape[3]);
        var generator = new Generator((ulong)seed);
        var results = new RoadScores[n];
        for (var i = 0; i < n; i++)
        {
            using var imageScope = NewDisposeScope();
            var image = images[i];
            var order = heatmaps[i].flatten().argsort(descending: true);
            // Row s removes the top Shares[s] of the map; row 9 + s its bottom Shares[s].
            var removed = zeros(2 * Shares.Count, height * width);
            for (var s = 0; s < Shares.Count; s++)
            {
                var count = (long)Math.Round(Shares[s] * height * width);
                removed[s].index_fill_(0, order.narrow(0, 0, count), 1);
                removed[Shares.Count + s].index_fill_(0, order.narrow(0, height * width - count, count), 1);
            }
            var imputed = Impute(image.unsqueeze(0).expand(2 * Shares.Count, -1, -1, -1), removed.reshape(-1, 1, height, width), Noise, generator);
            var target = classes[i];
            var original = probabilities(image.unsqueeze(0))[0, target].item<float>();
            var after = probabilities(imputed)[.., target].data<float>().ToArray();
            results[i] = new RoadScores(
                [.. after.Take(Shares.Count).Select(p => (double)(original - p))],
                [.. after.Skip(Shares.Count).Select(p => (double)(original - p))]);
        }
        return results;
    }

    /// <summary>
    /// <paramref name="images"/> [N, C, H, W] with the pixels where <paramref name="removed"/> [N, 1, H, W] is 1 replaced by
    /// ROAD's linear imputation, plus Gaussian noise of <paramref name="noise"/> times each channel's standard deviation.
    /// The imputation solves, for every removed pixel at once, "equal to the weighted mean of the neighbours inside the
    /// image", by conjugate gradients (the system is symmetric and positive definite wherever some pixel is kept), on
    /// coarser grids first: <paramref name="coarseSteps"/> on the coarsest, <paramref name="fineSteps"/> on each finer one.
    /// </summary>
    public static Tensor Impute(Tensor images, Tensor removed, double noise, Generator? generator = null, int coarseSteps = DefaultCoarseSteps, int fineSteps = DefaultFineSteps)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var mask = removed.expand_as(images);
        var solved = Cascade(images, removed, coarseSteps, fineSteps);
        var spread = images.std([2, 3], keepdim: true);
        var jitter = noise > 0 ? randn(images.shape, generator: generator) * spread * noise : zeros_like(images);
        return (solved + mask * jitter).MoveToOuterDisposeScope();
    }

    // Cascadic conjugate gradients: the solution is smooth inside a hole, so it is solved on a grid half as fine first
    // (a block with a kept pixel keeps their mean), down to a small grid, and each finer grid starts from the coarser
    // one's solution and only refines it.
    static Tensor Cascade(Tensor images, Tensor removed, int coarseSteps, int fineSteps)
    {
        using var scope = NewDisposeScope();
        if (images.shape[2] < 2 * CoarseSize || images.shape[3] < 2 * CoarseSize)
            return Solve(images, removed, null, coarseSteps).MoveToOuterDisposeScope();
        var kept = 1 - removed;
        var keptShare = Half(kept);
        var coarse = Cascade(Half(images * kept) / keptShare.clamp_min(1e-12), (keptShare == 0).to_type(images.dtype), coarseSteps, fineSteps);
        var guess = nn.functional.interpolate(coarse, [images.shape[2], images.shape[3]], mode: InterpolationMode.Bilinear, align_corners: false);
        return Solve(images, removed, guess, fineSteps).MoveToOuterDisposeScope();
    }

    /// <summary>Grids are halved while they stay at least this large.</summary>
    const int CoarseSize = 32;

    /// <summary>
    /// Conjugate-gradient steps on each finer grid, from the coarser grid's solution. On a textured 224 x 224 image with
    /// 50% or 90% removed, 10 steps leave a mean difference of 1.5 to 1.7 levels of 255 from the solution run to
    /// convergence: a small bias next to the noise, at a small share of the cost.
    /// </summary>
    public const int DefaultFineSteps = 10;

    static Tensor Half(Tensor t) => nn.functional.avg_pool2d(t, [2, 2], [2, 2], ceil_mode: true, count_include_pad: false);

    // The linear imputation by conjugate gradients, from a guess (pull-push where none is given); the images with their
    // removed pixels solved.
    static Tensor Solve(Tensor images, Tensor removed, Tensor? guess, int steps)
    {
        using var scope = NewDisposeScope();
        var mask = removed.expand_as(images);
        // Each pixel's own weight: the sum of its neighbours' weights inside the image.
        var degree = Neighbours(ones_like(images));
        Tensor Apply(Tensor x) => mask * (degree * x - Neighbours(mask * x));
        var b = mask * Neighbours((1 - mask) * images);

        Tensor Dot(Tensor a, Tensor c) => (a * c).sum([2, 3], keepdim: true);
        var x = mask * (guess ?? PullPush(images, 1 - removed));
        var r = b - Apply(x);
        var p = r.clone();
        var rr = Dot(r, r);
        // A residual 1e-4 of the right-hand side's: the error is then well below what the noise adds.
        var limit = Dot(b, b).amax().item<float>() * 1e-8;
        for (var step = 0; step < steps && rr.amax().item<float>() > limit; step++)
        {
            using var stepScope = NewDisposeScope();
            var ap = Apply(p);
            var alpha = rr / Dot(p, ap).clamp_min(1e-30);
            x.add_(alpha * p);
            r.sub_(alpha * ap);
            var next = Dot(r, r);
            p.mul_(next / rr.clamp_min(1e-30)).add_(r);
            rr.copy_(next);
        }
        return (images * (1 - mask) + x).MoveToOuterDisposeScope();
    }

    // The weighted sum of each pixel's 8 neighbours inside the image (1/6 across, 1/12 diagonally). The weights are
    // [1 2 1]' [1 2 1] / 12 less the centre's 1/3, so two passes of three shifted adds give them: several times faster
    // than libtorch's depthwise convolution on the CPU.
    static Tensor Neighbours(Tensor x)
    {
        var (height, width) = (x.shape[2], x.shape[3]);
        var padded = nn.functional.pad(x, [0, 0, 1, 1]);
        var rows = padded.narrow(2, 0, height) + padded.narrow(2, 1, height) * 2 + padded.narrow(2, 2, height);
        padded = nn.functional.pad(rows, [1, 1, 0, 0]);
        var both = padded.narrow(3, 0, width) + padded.narrow(3, 1, width) * 2 + padded.narrow(3, 2, width);
        return both / 12 - x / 3;
    }

    // Pull-push (Gortler et al., 1996): the kept pixels averaged over blocks twice as large at each level, then each
    // level's gaps filled from the coarser one on the way back down; smooth, and close to the linear imputation.
    static Tensor PullPush(Tensor images, Tensor kept)
    {
        using var scope = NewDisposeScope();
        var levels = new List<(Tensor Sum, Tensor Weight)> { (images * kept, kept.expand_as(images)) };
        while (levels[^1].Sum.shape[2] > 1 || levels[^1].Sum.shape[3] > 1)
        {
            var (sum, weight) = levels[^1];
            Tensor Pool(Tensor t) => nn.functional.avg_pool2d(t, [2, 2], [2, 2], ceil_mode: true, count_include_pad: false);
            levels.Add((Pool(sum), Pool(weight)));
        }
        var value = levels[^1].Sum / levels[^1].Weight.clamp_min(1e-12);
        for (var level = levels.Count - 2; level >= 0; level--)
        {
            var (sum, weight) = levels[level];
            var coarser = nn.functional.interpolate(value, [sum.shape[2], sum.shape[3]], mode: InterpolationMode.Bilinear, align_corners: false);
            // A block's kept pixels count for their share of it; the coarser level fills the rest.
            value = sum + (1 - weight) * coarser;
        }
        return value.MoveToOuterDisposeScope();
    }
}

/// <summary>One map's ROAD figures: the class probability's drop at each of <see cref="RoadTest.Shares"/>.</summary>
/// <param name="MostRelevantFirst">The drop when the map's most relevant pixels are removed: high for a faithful map.</param>
/// <param name="LeastRelevantFirst">The drop when its least relevant are: low for a faithful map.</param>
public sealed record RoadScores(IReadOnlyList<double> MostRelevantFirst, IReadOnlyList<double> LeastRelevantFirst)
{
    /// <summary>ROAD's combined score (as pytorch-grad-cam's ROADCombined): the mean over shares of (MoRF drop - LeRF drop) / 2; higher is more faithful.</summary>
    public double Combined => MostRelevantFirst.Zip(LeastRelevantFirst, (m, l) => (m - l) / 2).Average();
}
