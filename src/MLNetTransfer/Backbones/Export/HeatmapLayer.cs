namespace MLNetTransfer.Backbones.Export;

/// <summary>The backbone layer a saved model's Heatmap column shows, with its output's channels and size for one image.</summary>
/// <param name="Name">The layer's ONNX tensor (<see cref="ExplainedLayer.Default"/> unless chosen).</param>
/// <param name="Channels">Its channels.</param>
/// <param name="Height">Its height: the heat-map's rows.</param>
/// <param name="Width">Its width: the heat-map's columns.</param>
public sealed record HeatmapLayer(string Name, long Channels, long Height, long Width);
