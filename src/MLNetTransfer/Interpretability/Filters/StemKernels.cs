using MLNetTransfer.Backbones;
using MLNetTransfer.Backbones.Import;
using MLNetTransfer.Imaging;
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

    /// <summary>
    /// Writes the stem's kernels of <paramref name="graph"/> as one grid PNG, at the path <paramref name="pathFor"/> gives
    /// for the stem's name, titled with the layer where <paramref name="titled"/>; returns the stem's name, its number of
    /// kernels and the file, or null (and writes nothing) where the graph has no such stem.
    /// </summary>
    public static (string Layer, long Count, string Path)? Write(OnnxGraphModule graph, ChannelOrder order, Func<string, string> pathFor, bool titled = false)
    {
        if (Of(graph) is not var (stem, weights)) return null;
        using (weights)
        {
            var (count, path) = (weights.shape[0], pathFor(stem));
            TileGrid.Write(path, Pictures(weights, order), (int)weights.shape[3], (int)weights.shape[2],
                titled ? $"{stem}: the first convolution's {count} kernels (grey is 0)" : null);
            return (stem, count, path);
        }
    }
}
