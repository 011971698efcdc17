namespace MLNetTransfer.Training;

/// <summary>How the learning rate moves through a phase (after any warm-up).</summary>
public enum ScheduleKind
{
    Constant,
    /// <summary>Multiplied by <see cref="TrainingPhase.Gamma"/> every <see cref="TrainingPhase.StepEpochs"/> epochs.</summary>
    Step,
    /// <summary>Half a cosine from the learning rate down to 0 at the phase's end.</summary>
    Cosine,
    /// <summary>Smith's one-cycle: up from lr/25 to lr over the warm-up, then a cosine down to lr/10^4.</summary>
    OneCycle,
}
