namespace MLNetTransfer.Backbones.Import;

/// <summary>A run of layers that works at one resolution and width, e.g. one of ResNet's residual stages.</summary>
/// <param name="Index">0 for the stage nearest the input.</param>
/// <param name="Layers">Names of the nodes in it, in graph order.</param>
/// <param name="Input">The tensor the stage starts from: the graph input, or a tensor every path to the output passes through.</param>
/// <param name="Channels">Width of its output.</param>
public sealed record BackboneStage(int Index, IReadOnlyList<string> Layers, string Input, long Channels);
