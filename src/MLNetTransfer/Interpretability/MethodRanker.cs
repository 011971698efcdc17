using MLNetTransfer.Interpretability.Heatmaps;
using MLNetTransfer.Interpretability.Metrics;

namespace MLNetTransfer.Interpretability;

/// <summary>
/// Runs several heat-map methods on the same images of one model, with ROAD on every image, and ranks them by
/// <see cref="MethodRanking"/>: the report's "which explanation to trust" and <c>explain --method best</c>.
/// </summary>
public static class MethodRanker
{
    /// <summary>
    /// The methods ranked by default: one of each family whose map costs at most about a second a photo here. Score-CAM
    /// (10 s a photo) and Integrated Gradients (32 passes, and no better than the gradient by ROAD) are left out, and
    /// HiResCAM and XGrad-CAM equal Grad-CAM at the default layer.
    /// </summary>
    public static IReadOnlyList<string> DefaultMethods { get; } =
        ["grad-cam", "grad-cam++", "layer-cam", "eigen-cam", "ablation-cam", "faster-score-cam", "gradient"];

    /// <summary>Images the methods are ranked on by default (the first ones): ROAD costs about as much as 20 maps an image.</summary>
    public const int DefaultImages = 8;

    /// <summary>
    /// Explains <paramref name="images"/> with each of <paramref name="methods"/> at each one's default layer, with ROAD on
    /// all of them. <paramref name="known"/> holds methods already measured on the same images, which are not run again.
    /// Returns the ranking and each method's explanations, in the order of <paramref name="images"/>.
    /// </summary>
    public static (IReadOnlyList<RankedMethod> Ranking, IReadOnlyDictionary<string, IReadOnlyList<Explanation>> Explanations) Rank(
        ExplainableRun run, IEnumerable<HeatmapMethod> methods, IReadOnlyList<string> images, Func<string, string?>? maskOf = null,
        IReadOnlyDictionary<string, IReadOnlyList<Explanation>>? known = null, Action<string>? step = null, CancellationToken cancellation = default)
    {
        if (images.Count == 0) throw new ArgumentException("no images to rank the methods on", nameof(images));
        var explanations = new Dictionary<string, IReadOnlyList<Explanation>>(known ?? new Dictionary<string, IReadOnlyList<Explanation>>());
        var qualities = new List<HeatmapQuality>();
        foreach (var method in methods)
        {
            var explainer = new Explainer(run, method);
            if (!explanations.ContainsKey(method.FullName))
            {
                step?.Invoke($"{method.FullName} on {images.Count} images");
                explanations[method.FullName] = explainer.Explain(images, maskOf, cancellation).ToList();
            }
            qualities.Add(HeatmapQuality.Of(method.FullName, explainer.Layer, explanations[method.FullName])!);
        }
        return (MethodRanking.Rank(qualities), explanations);
    }
}
