using static TorchSharp.torch;

namespace MLNetTransfer.Interpretability.Cam;

/// <summary>
/// Score-CAM (Wang et al., 2020): uses no gradients. Each channel, upsampled and scaled to [0, 1], masks the input; the
/// channel's weight is the softmax probability of the class on that masked input. One forward pass per channel, in
/// batches, so it costs far more than Grad-CAM.
/// </summary>
public sealed class ScoreCam(int batchSize = 32) : CamMethod
{
    /// <summary>Guards the scaling of a flat channel.</summary>
    const double Epsilon = 1e-8;

    public override string Name => "score-cam";

    public override bool UsesGradients => false;

    protected override Tensor ChannelWeights(CamContext context)
    {
        var (images, activations) = (context.Images, context.Activations);
        var (n, channels) = (activations.shape[0], activations.shape[1]);
        var weights = zeros(n, channels);
        for (var i = 0; i < n; i++)
        {
            var maps = nn.functional.interpolate(activations[i].unsqueeze(1), [images.shape[2], images.shape[3]], mode: InterpolationMode.Bilinear, align_corners: false);
            var low = maps.amin([1, 2, 3], keepdim: true);
            var high = maps.amax([1, 2, 3], keepdim: true);
            var masks = (maps - low) / (high - low + Epsilon);
            for (long start = 0; start < channels; start += batchSize)
            {
                using var scope = NewDisposeScope();
                var count = Math.Min(batchSize, channels - start);
                var masked = images[i].unsqueeze(0) * masks.narrow(0, start, count);
                var probabilities = nn.functional.softmax(context.Network.forward(masked), 1)[.., context.Classes[i]];
                weights[i, TensorIndex.Slice(start, start + count)] = probabilities;
            }
        }
        return weights;
    }
}
