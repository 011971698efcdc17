using MLNetTransfer.Training;
using static TorchSharp.torch;

namespace MLNetTransfer.Interpretability.Attributions;

/// <summary>
/// SmoothGrad (Smilkov et al., 2017): the input gradient averaged over <see cref="Samples"/> copies of the image with
/// Gaussian noise added, whose standard deviation is <see cref="NoiseLevel"/> times the image's range; the noise
/// averages away the gradient's jumps. The noise is drawn from a fixed seed, so a map is reproducible.
/// </summary>
public sealed class SmoothGrad : PixelAttribution
{
    /// <summary>Noisy copies per image. Default: 25 (the paper finds little gain past 50).</summary>
    public int Samples { get; init; } = 25;

    /// <summary>The noise's standard deviation as a share of the image's range (maximum minus minimum). Default: 0.15 (the paper's 10-20%).</summary>
    public double NoiseLevel { get; init; } = 0.15;

    /// <summary>The seed of the noise. Default: 0.</summary>
    public long Seed { get; init; }

    public override string Name => "smooth-grad";

    public override Tensor Attributions(TransferNetwork network, Tensor images, long[] classes)
    {
        var sum = zeros_like(images);
        foreach (var noisy in NoisyCopies(images))
        {
            using var scope = NewDisposeScope();
            sum.add_(InputGradients(network, noisy, classes));
        }
        return sum / Samples;
    }

    /// <summary>The noisy copies of the images the gradient is averaged over, one batch per sample, in order.</summary>
    public IEnumerable<Tensor> NoisyCopies(Tensor images)
    {
        var generator = new Generator((ulong)Seed);
        var range = images.amax([1, 2, 3], keepdim: true) - images.amin([1, 2, 3], keepdim: true);
        for (var s = 0; s < Samples; s++)
            yield return images + randn(images.shape, generator: generator) * range * NoiseLevel;
    }
}
