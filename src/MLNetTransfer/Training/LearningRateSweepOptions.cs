namespace MLNetTransfer.Training;

/// <summary>How <c>lr-find</c> sweeps the learning rate; each default is fastai's <c>lr_find</c>'s but the steps.</summary>
public sealed record LearningRateSweepOptions
{
    /// <summary>The first step's rate. Default: 1e-7.</summary>
    public double StartRate { get; init; } = 1e-7;

    /// <summary>The last step's rate, reached only if the loss has not diverged before. Default: 10.</summary>
    public double EndRate { get; init; } = 10;

    /// <summary>Steps (batches) of the sweep, over the training images as many times as that takes. Default: 200.</summary>
    public int Steps { get; init; } = 200;

    /// <summary>The sweep stops once the smoothed loss exceeds this many times its lowest value. Default: 4.</summary>
    public double DivergenceFactor { get; init; } = 4;

    /// <summary>Weight of the past in the loss's exponential moving average (bias-corrected, as fastai's). Default: 0.98.</summary>
    public double Smoothing { get; init; } = 0.98;

    /// <exception cref="ArgumentOutOfRangeException">A value out of its range, named.</exception>
    public void Validate()
    {
        if (!(StartRate > 0)) throw new ArgumentOutOfRangeException(nameof(StartRate), StartRate, "must be above 0");
        if (!(EndRate > StartRate)) throw new ArgumentOutOfRangeException(nameof(EndRate), EndRate, $"must be above the start rate ({StartRate})");
        if (Steps < 10) throw new ArgumentOutOfRangeException(nameof(Steps), Steps, "must be at least 10");
        if (!(DivergenceFactor > 1)) throw new ArgumentOutOfRangeException(nameof(DivergenceFactor), DivergenceFactor, "must be above 1");
        if (Smoothing is < 0 or >= 1 || double.IsNaN(Smoothing)) throw new ArgumentOutOfRangeException(nameof(Smoothing), Smoothing, "must be at least 0 and below 1");
    }
}
