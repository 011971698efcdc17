namespace MLNetTransfer.Reports;

/// <summary>What goes into a run's report, and how much time its pictures may take.</summary>
public sealed record ReportOptions
{
    /// <summary>Confident mistakes and unsure right answers shown, each. Default: 4.</summary>
    public int Examples { get; init; } = 4;

    /// <summary>Suspected mislabels shown, the most suspect training photos, each with its maps. Default: 8.</summary>
    public int Suspects { get; init; } = 8;

    /// <summary>Layers whose activations are shown for one test image (the first ones). Default: 4.</summary>
    public int ActivationLayers { get; init; } = 4;

    /// <summary>Filters drawn per layer by filter ascent, at the lowest residual stage, a middle and the highest stage (the stem's kernels are drawn as they are). Default: 4.</summary>
    public int FiltersPerLayer { get; init; } = 4;

    /// <summary>Steps of the readable (Fourier) filter ascent; <c>filters --readable</c> takes 128. Default: 64.</summary>
    public int FilterSteps { get; init; } = 64;

    /// <summary>Test images ROAD is measured on (the ranked ones, then the first others; each costs about as much as 20 maps). Default: 16.</summary>
    public int RoadImages { get; init; } = 16;

    /// <summary>The heat-map method of the overlays and quality figures. Default: grad-cam.</summary>
    public string Method { get; init; } = "grad-cam";

    /// <summary>
    /// The methods the report ranks by faithfulness (and localisation where objects are known), <see cref="Method"/>
    /// among them or not. Empty: no ranking. Default: <see cref="Interpretability.MethodRanker.DefaultMethods"/>.
    /// </summary>
    public IReadOnlyList<string> RankedMethods { get; init; } = Interpretability.MethodRanker.DefaultMethods;

    /// <summary>Test images the methods are ranked on, spread evenly over the test set. Default: <see cref="Interpretability.MethodRanker.DefaultImages"/>.</summary>
    public int RankingImages { get; init; } = Interpretability.MethodRanker.DefaultImages;

    /// <summary>Images shown with the best-ranked method's map beside <see cref="Method"/>'s. Default: 4.</summary>
    public int SideBySide { get; init; } = 4;
}
