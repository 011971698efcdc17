using MLNetTransfer.Backbones;
using MLNetTransfer.Backbones.Import;
using static TorchSharp.torch;

namespace MLNetTransfer.Interpretability.Filters;

/// <summary>
/// The first convolution's kernels drawn directly as colour patches, as is usual for a first layer: a 7 x 7 stem has no
/// pattern larger than its kernel, so its weights show what it responds to better than any ascent on a large canvas.
/// All kernels share one scale (the largest absolute weight), so grey is a weight of 0 and their strengths compare.
/// </summary>
public static class StemKernels
{
    /// <summary>The first convolution that reads the graph's input with three channels: its name and its weights [K, 3, kh, kw]; null where there is none.</summary>
    public static (string Layer, Tensor Weights)? Of(OnnxGraphModule graph)
    {
        var conv = graph.Layers.FirstOrDefault(l => l.OpType == "Conv" && l.Inputs[0] == graph.InputName);
        if (conv is null || conv.Inputs.Count < 2 || !graph.StateNames.TryGetValue(conv.Inputs[1], out var name)) return null;
        var weights = graph.state_dict()[name];
        return weights.dim() == 4 && weights.shape[1] == 3 ? (conv.Outputs[0], weights.detach().clone()) : null;
    }

    /// <summary>
    /// Each kernel of <paramref name="weights"/> [K, 3, kh, kw] as planar RGB 0-255 [3 * kh * kw], in RGB order whatever
    /// order the network reads.
    /// </summary>
    public static float[][] Pictures(Tensor weights, ChannelOrder order)
    {
        using var scope = NewDisposeScope();
        var rgb = order == ChannelOrder.Bgr ? weights.flip(1) : weights;
        var pictures = (rgb / (rgb.abs().max() + 1e-12) * 127.5f + 127.5f).to_type(float32);
        return Enumerable.Range(0, (int)weights.shape[0]).Select(k => pictures[k].flatten().data<float>().ToArray()).ToArray();
    }
}
