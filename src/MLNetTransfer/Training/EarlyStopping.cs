using System.ComponentModel;

namespace MLNetTransfer.Training;

/// <summary>Stops a phase when the validation metric has not improved for <see cref="Patience"/> epochs.</summary>
public sealed record EarlyStopping
{
    /// <summary>What "better" means. Default: validation accuracy (ties broken by lower validation loss).</summary>
    [Description("validation-accuracy (ties broken by lower loss) or validation-loss. Default: validation-accuracy.")]
    public StoppingMetric Metric { get; init; } = StoppingMetric.ValidationAccuracy;

    /// <summary>Epochs without improvement before the phase stops. Default: 3.</summary>
    [Description("Epochs without improvement before the phase stops. Default: 3.")]
    public int Patience { get; init; } = 3;
}

/// <summary>The validation metric early stopping and best-weights selection watch.</summary>
public enum StoppingMetric
{
    ValidationAccuracy,
    ValidationLoss,
}
