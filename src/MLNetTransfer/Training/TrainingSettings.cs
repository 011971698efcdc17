using System.ComponentModel;
using System.Text.Json.Serialization;

namespace MLNetTransfer.Training;

/// <summary>
/// How a network trains: phases, batch size, loss, early stopping, number format and memory. The same type is the
/// <c>training</c> block of an experiment config, so a setting and its documentation live in one place.
/// </summary>
public sealed record TrainingSettings
{
    /// <summary>Images per optimizer step. Default: 32.</summary>
    [Description("Images per optimizer step. Default: 32.")]
    public int BatchSize { get; init; } = 32;

    /// <summary>Share of the target moved from the true class and spread over all classes. Default: 0.</summary>
    [Description("Share of the target moved from the true class and spread over all classes. Default: 0.")]
    public double LabelSmoothing { get; init; }

    /// <summary>Null: every phase runs all its epochs. The best epoch's weights are kept either way.</summary>
    [Description("Stop a phase when the validation metric stops improving. Default: none (the best epoch's weights are kept either way).")]
    public EarlyStopping? EarlyStopping { get; init; }

    /// <summary>The number format the network computes in while it trains. Default: <see cref="TrainingPrecision.Auto"/>.</summary>
    [Description("Number format while training: auto (mixed-bfloat16 where the CPU computes bfloat16 natively, else float32), float32, or mixed-bfloat16 (convolutions and matrix products in bfloat16; weights, head, loss and optimizer in float32). Default: auto.")]
    public TrainingPrecision Precision { get; init; } = TrainingPrecision.Auto;

    /// <summary>
    /// Megabytes the frozen layers' outputs may take in memory; beyond it they are kept on disk and read batch by batch.
    /// It must at least hold the batches in flight (<see cref="ValidateMemoryBudget"/>). Default: 512.
    /// </summary>
    [Description("Megabytes the frozen layers' outputs may take in memory; beyond it they are kept on disk and read batch by batch. Decoded images are always kept on disk, in the output folder's .feature-cache. Default: 512.")]
    public int MemoryBudgetMB { get; init; } = 512;

    /// <summary>The phases, run in order. Default (null): one phase of 5 epochs training the head on a frozen base.</summary>
    [Description("Training phases, run in order. Default: frozen-base: 5 epochs of the head; fine-tune: 3 epochs of the head, then 3 with the top stage at a tenth of the rate; from-scratch: 30 epochs of everything.")]
    public IReadOnlyList<TrainingPhase>? Phases { get; init; }

    /// <summary>The phases that run: <see cref="Phases"/>, or the default single frozen-base phase.</summary>
    [JsonIgnore]
    public IReadOnlyList<TrainingPhase> PhasesToRun => Phases ?? [new TrainingPhase()];

    /// <summary>
    /// The smallest <see cref="MemoryBudgetMB"/>: what the batches in flight take, the one training and those read ahead,
    /// as float32 images of <paramref name="imageShape"/> ([channels, height, width]), in whole megabytes.
    /// </summary>
    long MinimumMemoryBudgetMB(IReadOnlyList<long> imageShape)
    {
        const long megabyte = 1 << 20;
        var bytes = 3L * BatchSize * imageShape.Aggregate(4L, (a, b) => a * b);
        return (bytes + megabyte - 1) / megabyte;
    }

    /// <summary>Tells <paramref name="fail"/> (as <see cref="Validate"/> does) when the budget cannot hold the batches in flight of images of <paramref name="imageShape"/>.</summary>
    public void ValidateMemoryBudget(IReadOnlyList<long> imageShape, Action<string, string> fail)
    {
        var minimum = MinimumMemoryBudgetMB(imageShape);
        if (MemoryBudgetMB < minimum)
            fail("memoryBudgetMB", $"must hold the batches in flight ({BatchSize} images of {string.Join(" x ", imageShape)}, three batches), which needs at least {minimum} (got {MemoryBudgetMB})");
    }

    /// <summary>
    /// Tells <paramref name="fail"/> each setting out of range: its name as the config spells it (<c>batchSize</c>,
    /// <c>phases[0].epochs</c>) and what is wrong. The config validator and the trainer both check through it.
    /// </summary>
    public void Validate(Action<string, string> fail)
    {
        if (BatchSize is < 1 or > 1024) fail("batchSize", $"must be between 1 and 1024 (got {BatchSize})");
        if (MemoryBudgetMB < 0) fail("memoryBudgetMB", $"must be 0 or more (got {MemoryBudgetMB})");
        if (LabelSmoothing is < 0 or >= 1 || double.IsNaN(LabelSmoothing)) fail("labelSmoothing", $"must be at least 0 and below 1 (got {LabelSmoothing})");
        if (EarlyStopping is { Patience: < 1 } stopping) fail("earlyStopping.patience", $"must be 1 or more (got {stopping.Patience})");
        if (Phases is not { } phases) return;
        if (phases.Count == 0) fail("phases", "needs at least one phase");
        for (var i = 0; i < phases.Count; i++)
        {
            var phase = phases[i];
            var at = $"phases[{i}]";
            if (phase.Epochs is < 1 or > 10_000) fail($"{at}.epochs", $"must be between 1 and 10000 (got {phase.Epochs})");
            if (!(phase.LearningRate > 0) || double.IsInfinity(phase.LearningRate)) fail($"{at}.learningRate", $"must be above 0 (got {phase.LearningRate})");
            if (phase.Momentum is < 0 or >= 1 || double.IsNaN(phase.Momentum)) fail($"{at}.momentum", $"must be at least 0 and below 1 (got {phase.Momentum})");
            if (phase.WeightDecay < 0 || double.IsNaN(phase.WeightDecay)) fail($"{at}.weightDecay", $"must be 0 or more (got {phase.WeightDecay})");
            if (phase.WarmupEpochs < 0 || phase.WarmupEpochs >= phase.Epochs && phase.WarmupEpochs > 0)
                fail($"{at}.warmupEpochs", $"must be 0 or more and below the phase's {phase.Epochs} epochs (got {phase.WarmupEpochs})");
            if (phase.StepEpochs < 1) fail($"{at}.stepEpochs", $"must be 1 or more (got {phase.StepEpochs})");
            if (phase.Gamma is <= 0 or > 1 || double.IsNaN(phase.Gamma)) fail($"{at}.gamma", $"must be above 0 and at most 1 (got {phase.Gamma})");
            var plan = phase.Unfreeze ?? new FreezingPlan();
            var ways = plan.WaysGiven;
            if (ways > 1) fail($"{at}.unfreeze", "give one of topStages, nodes or all");
            if (plan.TopStages is < 0) fail($"{at}.unfreeze.topStages", $"must be 0 or more (got {plan.TopStages})");
        }
    }
}
