using System.ComponentModel;
using MLNetTransfer.Backbones.Import;

namespace MLNetTransfer.Training;

/// <summary>
/// Which backbone layers a phase trains, in the backbone's own terms: none (a frozen base), the top N stages found by
/// <see cref="BackboneStages"/>, every layer, or ONNX node names. The head always trains.
/// </summary>
public sealed record FreezingPlan(
    [property: Description("Train the last N stages of the backbone (stages are found from the graph: ResNet18 has 5, the stem and four residual stages). 0: a frozen base.")] int? TopStages = null,
    [property: Description("Train these ONNX nodes, by name.")] IReadOnlyList<string>? Nodes = null,
    [property: Description("Train every layer of the backbone.")] bool All = false,
    [property: Description("What the trained BatchNormalization layers normalise by: batch (each batch's statistics, which also update the stored ones, as PyTorch and fastai train) or stored (the pretrained statistics, left as they are, while scale and shift still learn: Keras' advice for fine-tuning, where a small batch's statistics would shift what the pretrained layers compute). Default: batch.")]
    NormalizationStatistics NormalizationStatistics = NormalizationStatistics.Batch)
{
    public static FreezingPlan Frozen { get; } = new(TopStages: 0);
    public static FreezingPlan Everything { get; } = new(All: true);

    /// <summary>How many of topStages, nodes and all are given: one at most is valid, none means a frozen base.</summary>
    internal int WaysGiven => (TopStages is null ? 0 : 1) + (Nodes is null ? 0 : 1) + (All ? 1 : 0);

    /// <summary>The names of the nodes to train in <paramref name="graph"/>.</summary>
    /// <exception cref="ArgumentException">More stages than the graph has, or a node it lacks.</exception>
    public IReadOnlyCollection<string> Resolve(OnnxGraphModule graph)
    {
        if (All) return graph.Layers.Select(l => l.Name).ToList();
        if (Nodes is { } nodes)
        {
            var unknown = nodes.Except(graph.Layers.Select(l => l.Name)).ToList();
            if (unknown.Count > 0) throw new ArgumentException($"the backbone has no node(s) {string.Join(", ", unknown)}");
            return nodes;
        }
        var stages = BackboneStages.Find(graph);
        var top = TopStages ?? 0;
        if (top < 0 || top > stages.Count) throw new ArgumentException($"the backbone has {stages.Count} stages; cannot unfreeze the top {top}");
        return stages.Skip(stages.Count - top).SelectMany(s => s.Layers).ToList();
    }
}
