using static TorchSharp.torch;

namespace MLNetTransfer.Interpretability.Cam;

/// <summary>
/// Score-CAM (Wang et al., 2020): uses no gradients. Each channel, upsampled and scaled to [0, 1], masks the input; the
/// channel's weight is the softmax probability of the class on that masked input. One forward pass per channel, in
/// batches, so it costs far more than Grad-CAM. With <see cref="TopChannels"/> it is Faster-Score-CAM (Wang et al.'s
/// variant, as in tf-keras-vis): only the channels whose activations vary most over the image are scored, the rest
/// weigh 0.
/// </summary>
/// <param name="batchSize">Masked images per forward pass.</param>
public sealed class ScoreCam(int batchSize = 32) : ChannelWeightedCam
{
    /// <summary>Guards the scaling of a flat channel.</summary>
    const double Epsilon = 1e-8;

    /// <summary>
    /// Faster-Score-CAM's default number of channels: ResNet18's top stage has 512, and 16 of them keep a map under
    /// 1.5 s a photo on two cores (docs/speed.md).
    /// </summary>
    public const int FasterDefaultChannels = 16;

    /// <summary>How many channels are scored, those of highest spatial variance; null scores them all (Score-CAM). Default: null.</summary>
    public int? TopChannels { get; init; }

    public override string Name => TopChannels is null ? "score-cam" : "faster-score-cam";

    public override bool UsesGradients => false;

    protected override Tensor ChannelWeights(CamContext context)
    {
        var (images, activations) = (context.Images, context.Activations);
        var (n, channels) = (activations.shape[0], activations.shape[1]);
        var weights = zeros(n, channels);
        var scored = Math.Min(TopChannels ?? channels, channels);
        for (var i = 0; i < n; i++)
        {
            var picked = scored == channels ? arange(channels) : activations[i].flatten(1).var(1).topk((int)scored).indexes;
            var maps = nn.functional.interpolate(activations[i].index_select(0, picked).unsqueeze(1), [images.shape[2], images.shape[3]],
                mode: InterpolationMode.Bilinear, align_corners: false);
            var low = maps.amin([1, 2, 3], keepdim: true);
            var high = maps.amax([1, 2, 3], keepdim: true);
            var masks = (maps - low) / (high - low + Epsilon);
            for (long start = 0; start < scored; start += batchSize)
            {
                using var scope = NewDisposeScope();
                var count = Math.Min(batchSize, scored - start);
                var masked = images[i].unsqueeze(0) * masks.narrow(0, start, count);
                var probabilities = nn.functional.softmax(context.Network.forward(masked), 1)[.., context.Classes[i]];
                weights[i].index_copy_(0, picked.narrow(0, start, count), probabilities);
            }
        }
        return weights;
    }
}
