namespace MLNetTransfer.Reports;

/// <summary>What goes into a run's report, and how much time its pictures may take.</summary>
public sealed record ReportOptions
{
    /// <summary>Confident mistakes and unsure right answers shown, each. Default: 4.</summary>
    public int Examples { get; init; } = 4;

    /// <summary>Layers whose activations are shown for one test image (the first ones). Default: 4.</summary>
    public int ActivationLayers { get; init; } = 4;

    /// <summary>Filters drawn per layer by filter ascent, at the lowest, a middle and the highest stage. Default: 4.</summary>
    public int FiltersPerLayer { get; init; } = 4;

    /// <summary>Filter-ascent steps (the book's 40 costs twice as long). Default: 20.</summary>
    public int FilterSteps { get; init; } = 20;

    /// <summary>Test images ROAD is measured on (the first ones; each costs about as much as 20 maps). Default: 16.</summary>
    public int RoadImages { get; init; } = 16;

    /// <summary>The CAM method of the overlays and quality figures. Default: grad-cam.</summary>
    public string Method { get; init; } = "grad-cam";
}
