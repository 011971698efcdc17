namespace MLNetTransfer.Interpretability.Filters;

/// <summary>
/// How <see cref="FilterAscent"/> searches for the image a filter responds to most. The defaults reproduce the book
/// exactly (40 steps of size 1 on the RMS-normalised gradient, no regularisers); <see cref="Readable"/> adds the
/// regularisers that make high layers' pictures readable.
/// </summary>
public sealed record FilterAscentOptions
{
    /// <summary>Gradient ascent steps. Default: 40.</summary>
    public int Steps { get; init; } = 40;

    /// <summary>Step size in 0-255 pixel levels, times the gradient divided by its root mean square. Default: 1.</summary>
    public double StepSize { get; init; } = 1;

    /// <summary>Largest random shift in pixels, drawn anew each step, so the picture cannot rely on exact positions. Default: 0.</summary>
    public int Jitter { get; init; }

    /// <summary>Largest random relative change of scale each step (0.05: between 95% and 105%). Default: 0.</summary>
    public double ScaleRange { get; init; }

    /// <summary>Largest random rotation each step, in degrees. Default: 0.</summary>
    public double RotationRange { get; init; }

    /// <summary>Weight of the L2 penalty: the mean square of the pixels' distance from grey, on a -1..1 scale. Default: 0.</summary>
    public double L2 { get; init; }

    /// <summary>Weight of the total-variation penalty: the mean absolute difference of neighbouring pixels, on a -1..1 scale. Default: 0.</summary>
    public double TotalVariation { get; init; }

    /// <summary>Seeds the starting noise and the random changes.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Whether any regulariser is on.</summary>
    public bool Regularised => Jitter > 0 || ScaleRange > 0 || RotationRange > 0 || L2 > 0 || TotalVariation > 0;

    /// <summary>The book's search with jitter, small scaling and rotation, and light L2 and total-variation penalties.</summary>
    public static FilterAscentOptions Readable { get; } = new()
    {
        Steps = 80,
        Jitter = 8,
        ScaleRange = 0.05,
        RotationRange = 5,
        L2 = 0.02,
        TotalVariation = 0.05,
    };
}
