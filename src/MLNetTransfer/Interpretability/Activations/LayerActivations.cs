using MLNetTransfer.Backbones;
using MLNetTransfer.Backbones.Import;
using MLNetTransfer.Imaging;
using static TorchSharp.torch;

namespace MLNetTransfer.Interpretability.Activations;

/// <summary>The book's first view of a convnet: what its layers output for one image, channel by channel.</summary>
public static class LayerActivations
{
    /// <summary>The layers shown by default: the first <paramref name="count"/> convolution and activation outputs, in graph order.</summary>
    public static IReadOnlyList<string> DefaultLayers(OnnxGraphModule graph, int count = 8) =>
        graph.Layers.Where(l => l.OpType == "Conv" || OnnxOperators.Activations.Contains(l.OpType)).Select(l => l.Outputs[0]).Take(count).ToList();

    /// <summary>
    /// The layers to look at from low to high: each stage's last convolution or activation output (for ResNet18, the
    /// stem and the four residual stages), up to the last convolutional block (a classifier head's dense layers are not
    /// pictures).
    /// </summary>
    public static IReadOnlyList<string> StageOutputs(OnnxGraphModule graph)
    {
        var layers = graph.Layers;
        var position = layers.Select((l, i) => (l, i)).ToDictionary(p => p.l.Name, p => p.i);
        var top = layers.ToList().FindLastIndex(l => l.Outputs.Contains(ExplainedLayer.Default(graph)));
        return BackboneStages.Find(graph)
            .Select(stage => stage.Layers.Where(n => position[n] <= top).Select(n => layers[position[n]])
                .LastOrDefault(l => l.OpType == "Conv" || OnnxOperators.Activations.Contains(l.OpType))?.Outputs[0])
            .OfType<string>().Distinct().ToList();
    }

    /// <summary>The outputs [channels, height, width] of <paramref name="layers"/> for one prepared input [1, C, H, W].</summary>
    /// <exception cref="Core.DataException">A layer the graph does not compute, or one without channels and a spatial extent.</exception>
    public static IReadOnlyDictionary<string, Tensor> Compute(OnnxGraphModule graph, Tensor input, IReadOnlyList<string> layers)
    {
        var known = graph.Layers.SelectMany(l => l.Outputs).ToHashSet();
        var unknown = layers.Where(l => !known.Contains(l)).ToList();
        if (unknown.Count > 0)
            throw new Core.DataException($"layer(s) {string.Join(", ", unknown)}: the network has no such tensor; it has e.g. {string.Join(", ", DefaultLayers(graph))}");
        using var _ = no_grad();
        var outputs = graph.Run(new Dictionary<string, Tensor> { [graph.InputName] = input }, layers);
        foreach (var (name, value) in outputs)
            if (value.dim() != 4) throw new Core.DataException($"layer {name}: its output [{string.Join(", ", value.shape)}] is not a stack of maps [1, channels, height, width]");
        return outputs.ToDictionary(o => o.Key, o => o.Value[0]);
    }

    /// <summary>
    /// Writes one layer's channels as a labelled grid in viridis. Each channel is standardised as the book does
    /// (mean 128, standard deviation 64, clipped), so a weak channel's pattern shows as well as a strong one's; a
    /// channel that is zero everywhere stays dark.
    /// </summary>
    /// <param name="path">The PNG to write.</param>
    /// <param name="layer">The layer's name, written above the grid.</param>
    /// <param name="activation">Its output [channels, height, width].</param>
    /// <param name="maxChannels">Channels shown at most, the first ones. Default: 64.</param>
    public static void WriteGrid(string path, string layer, Tensor activation, int maxChannels = 64)
    {
        using var scope = NewDisposeScope();
        var (channels, height, width) = (activation.shape[0], (int)activation.shape[1], (int)activation.shape[2]);
        var shown = activation.narrow(0, 0, Math.Min(channels, maxChannels)).to_type(float32);
        var mean = shown.mean([1, 2], keepdim: true);
        var std = shown.std([1, 2], keepdim: true, unbiased: false);
        var standardised = where(std > 1e-6, ((shown - mean) / (std + 1e-5) * 64 + 128).clamp(0, 255) / 255, zeros_like(shown));
        var tiles = Enumerable.Range(0, (int)shown.shape[0])
            .Select(c => ColorMaps.Paint(standardised[c].flatten().data<float>().ToArray(), ColorMaps.Viridis)).ToList();
        var title = $"{layer}: {(channels > maxChannels ? $"first {maxChannels} of " : "")}{channels} channels, {width} x {height}";
        TileGrid.Write(path, tiles, width, height, title);
    }
}
