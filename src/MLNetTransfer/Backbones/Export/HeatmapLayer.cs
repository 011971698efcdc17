using MLNetTransfer.Backbones.Import;
using MLNetTransfer.Core;
using Onnx;
using static TorchSharp.torch;

namespace MLNetTransfer.Backbones.Export;

/// <summary>The backbone layer a saved model's Heatmap column shows, with its output's channels and size for one image.</summary>
/// <param name="Name">The layer's ONNX tensor (<see cref="ExplainedLayer.Default"/> unless chosen).</param>
/// <param name="Channels">Its channels.</param>
/// <param name="Height">Its height: the heat-map's rows.</param>
/// <param name="Width">Its width: the heat-map's columns.</param>
public sealed record HeatmapLayer(string Name, long Channels, long Height, long Width)
{
    /// <summary>
    /// The explained layer of <paramref name="backbone"/> (<see cref="ExplainedLayer.Default"/>), checked to have only
    /// pooling and reshaping between it and the backbone's output in <paramref name="graph"/>, with its size for
    /// <paramref name="input"/>: what the trainer, a feature-extraction model and <c>export</c> all show.
    /// </summary>
    /// <exception cref="DataException">Something else follows the layer (the message names the node), or there is no layer to show.</exception>
    public static HeatmapLayer Find(OnnxGraphModule backbone, GraphProto graph, Tensor input)
    {
        var name = ExplainedLayer.Default(backbone);
        if (HeatmapOutput.Obstacle(graph, name, backbone.OutputName) is { } obstacle)
            throw new DataException($"cannot be computed in the saved model: {obstacle}");
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        var shape = backbone.Run(new Dictionary<string, Tensor> { [backbone.InputName] = input }, [name])[name].shape;
        return new HeatmapLayer(name, shape[1], shape[2], shape[3]);
    }
}
