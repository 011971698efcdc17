using MLNetTransfer.Interpretability.Heatmaps;
using MLNetTransfer.Interpretability.Metrics;
using static TorchSharp.torch;

namespace MLNetTransfer.Interpretability;

/// <summary>Explains image files in batches and measures each heat-map: what <c>explain</c> writes and the report shows.</summary>
/// <param name="run">The explained model.</param>
/// <param name="method">The heat-map method.</param>
/// <param name="layer">The layer explained; the last convolutional block's output where null. A pixel attribution has none.</param>
/// <param name="targetClass">The class explained; each image's predicted class where null.</param>
public sealed class Explainer(ExplainableRun run, HeatmapMethod method, string? layer = null, int? targetClass = null)
{
    /// <summary>Images explained at once; Score-CAM runs one forward pass per channel per image whatever this is.</summary>
    public int BatchSize { get; init; } = 8;

    /// <summary>
    /// How many of the images (the first ones) also get ROAD (<see cref="RoadTest"/>): it costs 18 forward passes and an
    /// imputation per image, several times the map itself. Default: all.
    /// </summary>
    public int RoadImages { get; init; } = int.MaxValue;

    /// <summary>The layer explained: for a pixel attribution, the network's input.</summary>
    public string Layer { get; } = method.UsesLayer ? layer ?? run.DefaultLayer
        : layer is null ? run.Network.Backbone.InputName
        : throw new Core.DataException($"layer '{layer}': {method.Name} attributes the input's pixels and explains no layer");

    /// <summary>
    /// Explains <paramref name="images"/> in order. <paramref name="maskOf"/> gives an image's object mask (any image file,
    /// white on the object), or null where none is known; with one, the pointing game and heat share are measured.
    /// </summary>
    public IEnumerable<Explanation> Explain(IReadOnlyList<string> images, Func<string, string?>? maskOf = null, CancellationToken cancellation = default)
    {
        if (method.UsesLayer && !run.Network.Backbone.Layers.Any(l => l.Outputs.Contains(Layer)))
            throw new Core.DataException($"layer '{Layer}': the network has no such tensor");
        for (var start = 0; start < images.Count; start += BatchSize)
        {
            cancellation.ThrowIfCancellationRequested();
            using var scope = NewDisposeScope();
            var batch = images.Skip(start).Take(BatchSize).ToList();
            var (inputs, rgb) = run.Prepare(batch);
            var (maps, classes) = run.Explain(method, inputs, Layer, targetClass);
            var drops = DeletionTest.Run(run.Probabilities, inputs, maps, classes, seed: start);
            var roadCount = (int)Math.Clamp((long)RoadImages - start, 0, batch.Count);
            var road = roadCount > 0 ? RoadTest.Run(run.Probabilities, inputs.narrow(0, 0, roadCount), maps.narrow(0, 0, roadCount), classes[..roadCount], seed: start) : [];
            for (var i = 0; i < batch.Count; i++)
            {
                var explanation = new Explanation(batch[i], rgb[i], maps[i].data<float>().ToArray(), run.Classes[(int)classes[i]],
                    drops[i].Original, drops[i].Salient, drops[i].Random, Road: i < road.Length ? road[i] : null);
                if (maskOf?.Invoke(batch[i]) is { } maskFile)
                {
                    var mask = run.Mask(maskFile);
                    explanation = explanation with
                    {
                        PeakInside = Localisation.PeakInside(maps[i], mask),
                        HeatInside = Localisation.HeatInside(maps[i], mask),
                        MaskCoverage = (mask > 0.5f).to_type(float32).mean().item<float>(),
                    };
                }
                yield return explanation;
            }
        }
    }
}
