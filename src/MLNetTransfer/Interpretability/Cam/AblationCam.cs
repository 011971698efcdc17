using static TorchSharp.torch;

namespace MLNetTransfer.Interpretability.Cam;

/// <summary>
/// Ablation-CAM (Desai and Ramaswamy, 2020): uses no gradients. A channel's weight is how much the class logit falls
/// when that channel is set to zero, as a share of the logit: (y - y without channel k) / y. The rest of the network
/// runs from the layer on, once per channel, in batches.
/// </summary>
/// <param name="batchSize">Ablated copies per forward pass.</param>
public sealed class AblationCam(int batchSize = 64) : ChannelWeightedCam
{
    public override string Name => "ablation-cam";

    public override bool UsesGradients => false;

    protected override Tensor ChannelWeights(CamContext context)
    {
        var (images, activations) = (context.Images, context.Activations);
        var (n, channels) = (activations.shape[0], activations.shape[1]);
        var weights = zeros(n, channels);
        for (var i = 0; i < n; i++)
        {
            var target = context.Classes[i];
            var original = context.Network.ForwardFrom(context.Layer, activations[i].unsqueeze(0), images[i].unsqueeze(0))[0, target];
            for (long start = 0; start < channels; start += batchSize)
            {
                using var scope = NewDisposeScope();
                var count = Math.Min(batchSize, channels - start);
                // Copy j has channel start + j zeroed.
                var keep = ones(count, channels);
                keep.narrow(1, start, count).sub_(eye(count));
                keep = keep.unsqueeze(-1).unsqueeze(-1);
                var ablated = context.Network.ForwardFrom(context.Layer, activations[i].unsqueeze(0) * keep, images[i].unsqueeze(0).expand(count, -1, -1, -1))[.., target];
                // A logit of 0 has no share to lose: its channels weigh 0, not 0 / 0.
                weights[i, TensorIndex.Slice(start, start + count)] = original.abs().item<float>() > 1e-12 ? (original - ablated) / original : zeros(count);
            }
        }
        return weights;
    }
}
