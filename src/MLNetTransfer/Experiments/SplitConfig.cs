using System.ComponentModel;

namespace MLNetTransfer.Experiments;

/// <summary>Fractions of each class's images; they sum to 1.</summary>
public sealed record SplitConfig
{
    [Description("Fraction for training. Default: 0.8.")]
    public double Train { get; init; } = 0.8;

    [Description("Fraction for validation. Default: 0.1.")]
    public double Validation { get; init; } = 0.1;

    [Description("Fraction for the final test. Default: 0.1.")]
    public double Test { get; init; } = 0.1;
}
