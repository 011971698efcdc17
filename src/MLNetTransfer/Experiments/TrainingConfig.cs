using System.ComponentModel;
using MLNetTransfer.Training;

namespace MLNetTransfer.Experiments;

/// <summary>How frozen-base, fine-tune and from-scratch runs train; defaults depend on the mode.</summary>
public sealed record TrainingConfig
{
    [Description("Images per optimizer step. Default: 32.")]
    public int BatchSize { get; init; } = 32;

    [Description("Share of the target spread over all classes. Default: 0.")]
    public double LabelSmoothing { get; init; }

    [Description("Stop a phase when the validation metric stops improving. Default: none (the best epoch's weights are kept either way).")]
    public EarlyStopping? EarlyStopping { get; init; }

    [Description("Number format while training: auto (mixed-bfloat16 where the CPU computes bfloat16 natively, else float32), float32, or mixed-bfloat16 (convolutions and matrix products in bfloat16; weights, head, loss and optimizer in float32). Default: auto.")]
    public TrainingPrecision Precision { get; init; } = TrainingPrecision.Auto;

    [Description("Megabytes the frozen layers' outputs may take in memory; beyond it they are kept on disk and read batch by batch. Decoded images are always kept on disk, in the output folder's .feature-cache. Default: 512.")]
    public int MemoryBudgetMB { get; init; } = 512;

    [Description("Training phases, run in order. Default: frozen-base: 5 epochs of the head; fine-tune: 3 epochs of the head, then 3 with the top stage at a tenth of the rate; from-scratch: 30 epochs of everything.")]
    public TrainingPhase[]? Phases { get; init; }
}
