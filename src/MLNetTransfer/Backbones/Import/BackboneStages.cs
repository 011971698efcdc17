namespace MLNetTransfer.Backbones.Import;

/// <summary>
/// Finds a convnet's stages from its graph alone, so "unfreeze the top N stages" means the same thing for ResNet, VGG
/// or a user's network without naming nodes. The graph is cut where every path from input to output passes through one
/// tensor (after each residual block, after each plain layer); a new stage starts after a pooling layer or where the
/// number of channels changes. Pieces without weights join the stage before them. For ResNet18 this gives the stem
/// (convolution, normalisation, max pool) and the four residual stages.
/// </summary>
public static class BackboneStages
{
    public static IReadOnlyList<BackboneStage> Find(OnnxGraphModule graph)
    {
        var layers = graph.Layers;
        var lastUse = new Dictionary<string, int> { [graph.InputName] = -1 };
        for (var i = 0; i < layers.Count; i++)
            foreach (var input in layers[i].Inputs) lastUse[input] = i;

        // Cut after node i when no tensor made at or before i, other than i's own output, is read after i.
        var segments = new List<(List<OnnxLayer> Layers, string Input)>();
        var current = new List<OnnxLayer>();
        var start = graph.InputName;
        var open = new HashSet<string> { graph.InputName };
        for (var i = 0; i < layers.Count; i++)
        {
            current.Add(layers[i]);
            foreach (var output in layers[i].Outputs) open.Add(output);
            open.RemoveWhere(t => lastUse.GetValueOrDefault(t, -1) <= i);
            var output0 = layers[i].Outputs[0];
            if (open.Count == 1 && open.Contains(output0) || i == layers.Count - 1)
            {
                segments.Add((current, start));
                current = [];
                start = output0;
            }
        }

        var stages = new List<(List<string> Layers, string Input, long Channels, bool Weighted)>();
        long channels = 0;
        var pooled = false;
        foreach (var (segment, input) in segments)
        {
            var width = segment.Select(l => OutputChannels(graph, l)).LastOrDefault(c => c > 0);
            var weighted = segment.Any(l => l.Parameters.Count > 0);
            var newStage = stages.Count == 0 || (weighted && (pooled || width > 0 && width != channels));
            if (newStage && stages.Count > 0 && !stages[^1].Weighted)
            {
                // A weightless start (e.g. a leading pool) belongs to the first stage with weights.
                stages[^1] = (stages[^1].Layers, stages[^1].Input, stages[^1].Channels, true);
                newStage = false;
            }
            if (newStage) stages.Add(([], input, 0, weighted));
            var last = stages[^1];
            last.Layers.AddRange(segment.Select(l => l.Name));
            if (width > 0) channels = width;
            stages[^1] = (last.Layers, last.Input, channels, last.Weighted || weighted);
            if (weighted) pooled = false;
            if (segment.Any(l => l.OpType is "MaxPool" or "AveragePool")) pooled = true;
        }
        return stages.Select((s, i) => new BackboneStage(i, s.Layers, s.Input, s.Channels)).ToList();
    }

    // Output channels of a layer with weights: rows of a convolution's kernel or a dense layer's matrix.
    static long OutputChannels(OnnxGraphModule graph, OnnxLayer layer) =>
        layer.OpType is "Conv" or "Gemm" && layer.Parameters.Count > 0 ? graph.ParameterShape(layer.Parameters[0])[0] : 0;
}
