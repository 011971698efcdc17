namespace MLNetTransfer.Training;

/// <summary>
/// One stretch of training with its own freezing plan and optimizer, as the book's fine-tuning does in two: first the
/// head on a frozen base, then the top stages with the head at a lower learning rate.
/// </summary>
public sealed record TrainingPhase
{
    /// <summary>Shown in progress and history. Default: phase1, phase2, ...</summary>
    public string? Name { get; init; }

    /// <summary>Epochs in this phase. Default: 5.</summary>
    public int Epochs { get; init; } = 5;

    /// <summary>What of the backbone trains. Default: nothing (a frozen base).</summary>
    public FreezingPlan Unfreeze { get; init; } = FreezingPlan.Frozen;

    /// <summary>Default: Adam.</summary>
    public OptimizerKind Optimizer { get; init; } = OptimizerKind.Adam;

    /// <summary>Peak learning rate. Default: 0.001.</summary>
    public double LearningRate { get; init; } = 1e-3;

    /// <summary>SGD momentum. Default: 0.9.</summary>
    public double Momentum { get; init; } = 0.9;

    /// <summary>L2 penalty (SGD, Adam) or decoupled decay (AdamW). Default: 0.</summary>
    public double WeightDecay { get; init; }

    /// <summary>Default: constant.</summary>
    public ScheduleKind Schedule { get; init; } = ScheduleKind.Constant;

    /// <summary>Epochs of linear warm-up from a small rate (one-cycle: its rising part). Default: 0 (one-cycle: 30% of the phase).</summary>
    public double WarmupEpochs { get; init; }

    /// <summary>Step schedule: epochs between drops. Default: 1.</summary>
    public int StepEpochs { get; init; } = 1;

    /// <summary>Step schedule: factor at each drop. Default: 0.1.</summary>
    public double Gamma { get; init; } = 0.1;
}
