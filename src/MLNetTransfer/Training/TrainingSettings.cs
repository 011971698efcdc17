namespace MLNetTransfer.Training;

/// <summary>Everything about a training run except the network and the data.</summary>
public sealed record TrainingSettings
{
    /// <summary>The phases, run in order. Default: one phase of 5 epochs training the head on a frozen base.</summary>
    public IReadOnlyList<TrainingPhase> Phases { get; init; } = [new TrainingPhase()];

    /// <summary>Images per optimizer step. Default: 32.</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>Share of the target moved from the true class to all classes. Default: 0.</summary>
    public double LabelSmoothing { get; init; }

    /// <summary>Null: every phase runs all its epochs. The best epoch's weights are kept either way.</summary>
    public EarlyStopping? EarlyStopping { get; init; }

    /// <summary>Seeds shuffling, dropout and the head's initial weights. Default: 42.</summary>
    public int Seed { get; init; } = 42;

    /// <summary>The number format the network computes in while it trains. Default: <see cref="TrainingPrecision.Auto"/>.</summary>
    public TrainingPrecision Precision { get; init; } = TrainingPrecision.Auto;

    /// <summary>Changes each training image anew every epoch; null for none. Validation images are never changed.</summary>
    public Pipelines.Augmentation.ImageAugmenter? Augmentation { get; init; }

    /// <summary>
    /// Megabytes the frozen layers' outputs may take in memory; beyond it they are kept on disk and read batch by batch.
    /// It must at least hold the batches in flight (<see cref="MinimumMemoryBudgetMB"/>). Default: 512.
    /// </summary>
    public int MemoryBudgetMB { get; init; } = 512;

    /// <summary>
    /// The smallest <see cref="MemoryBudgetMB"/>: what the batches in flight take, the one training and those read ahead,
    /// as float32 images of <paramref name="imageShape"/> ([channels, height, width]), in whole megabytes.
    /// </summary>
    public long MinimumMemoryBudgetMB(IReadOnlyList<long> imageShape)
    {
        const long megabyte = 1 << 20;
        var bytes = 3L * BatchSize * imageShape.Aggregate(4L, (a, b) => a * b);
        return (bytes + megabyte - 1) / megabyte;
    }

    /// <summary>Where a checkpoint is written after each epoch; null for none.</summary>
    public string? CheckpointFolder { get; init; }
}
