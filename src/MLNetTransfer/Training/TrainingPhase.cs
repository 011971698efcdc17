using System.ComponentModel;

namespace MLNetTransfer.Training;

/// <summary>
/// One stretch of training with its own freezing plan and optimizer, as the book's fine-tuning does in two: first the
/// head on a frozen base, then the top stages with the head at a lower learning rate.
/// </summary>
public sealed record TrainingPhase
{
    /// <summary>Shown in progress and history. Default: phase1, phase2, ...</summary>
    [Description("Shown in progress and history. Default: phase1, phase2, ...")]
    public string? Name { get; init; }

    /// <summary>Epochs in this phase. Default: 5.</summary>
    [Description("Epochs in this phase. Default: 5.")]
    public int Epochs { get; init; } = 5;

    /// <summary>What of the backbone trains. Default: nothing (a frozen base); every layer in from-scratch.</summary>
    [Description("What of the backbone trains: { \"topStages\": N }, { \"nodes\": [...] } or { \"all\": true }. Default: nothing (a frozen base); every layer in from-scratch.")]
    public FreezingPlan? Unfreeze { get; init; }

    /// <summary>Default: Adam.</summary>
    [Description("sgd (with momentum), adam, adamw or rmsprop (Keras' decay 0.9 and epsilon 1e-7, the book's). Default: adam.")]
    public OptimizerKind Optimizer { get; init; } = OptimizerKind.Adam;

    /// <summary>Peak learning rate. Default: 0.001.</summary>
    [Description("Peak learning rate. Default: 0.001.")]
    public double LearningRate { get; init; } = 1e-3;

    /// <summary>SGD momentum. Default: 0.9.</summary>
    [Description("SGD momentum. Default: 0.9.")]
    public double Momentum { get; init; } = 0.9;

    /// <summary>L2 penalty (SGD, Adam, RMSprop) or decoupled decay (AdamW). Default: 0.</summary>
    [Description("L2 penalty (sgd, adam, rmsprop) or decoupled weight decay (adamw). Default: 0.")]
    public double WeightDecay { get; init; }

    /// <summary>Default: constant.</summary>
    [Description("constant, step, cosine or one-cycle. Default: constant.")]
    public ScheduleKind Schedule { get; init; } = ScheduleKind.Constant;

    /// <summary>Epochs of linear warm-up from a small rate (one-cycle: its rising part). Default: 0 (one-cycle: 30% of the phase).</summary>
    [Description("Epochs of linear warm-up (one-cycle: its rising part, default 30% of the phase). Default: 0.")]
    public double WarmupEpochs { get; init; }

    /// <summary>Step schedule: epochs between drops. Default: 1.</summary>
    [Description("step schedule: epochs between drops. Default: 1.")]
    public int StepEpochs { get; init; } = 1;

    /// <summary>Step schedule: factor at each drop. Default: 0.1.</summary>
    [Description("step schedule: factor at each drop. Default: 0.1.")]
    public double Gamma { get; init; } = 0.1;
}
