namespace MLNetTransfer.Interpretability.Filters;

/// <summary>
/// How <see cref="FilterAscent"/> searches for the image a filter responds to most. The defaults reproduce the book
/// exactly (40 steps of size 1 on the RMS-normalised gradient, in pixels, no regularisers); <see cref="Readable"/>
/// searches a 1/f Fourier spectrum with small random changes each step, which makes every layer's pictures readable.
/// </summary>
public sealed record FilterAscentOptions
{
    /// <summary>Gradient ascent steps. Default: 40.</summary>
    public int Steps { get; init; } = 40;

    /// <summary>
    /// Step size: in pixels, 0-255 levels times the gradient divided by its root mean square; with <see cref="Fourier"/>,
    /// Adam's learning rate on the spectrum. Default: 1.
    /// </summary>
    public double StepSize { get; init; } = 1;

    /// <summary>
    /// Search the image's Fourier spectrum, scaled by 1/f, in decorrelated colour, squashed into 0-255 by a sigmoid
    /// (Olah et al., "Feature Visualization", Distill 2017), with Adam, instead of the pixels by normalised gradient
    /// steps: low layers' pictures become patterns instead of coloured noise, and need no de-processing. Default: false.
    /// </summary>
    public bool Fourier { get; init; }

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

    /// <summary>Whether any regulariser is on, the Fourier parametrisation included.</summary>
    public bool Regularised => Fourier || Jitter > 0 || ScaleRange > 0 || RotationRange > 0 || L2 > 0 || TotalVariation > 0;

    /// <summary>The Fourier search with Adam at 0.05 (Lucid's), with jitter, small scaling and rotation each step.</summary>
    public static FilterAscentOptions Readable { get; } = new()
    {
        Fourier = true,
        Steps = 128,
        StepSize = 0.05,
        Jitter = 8,
        ScaleRange = 0.05,
        RotationRange = 5,
    };
}
