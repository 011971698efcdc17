namespace MLNetTransfer.Training;

/// <summary>
/// A <see cref="TransferLearningTrainer.Options"/> value the trainer refuses. <see cref="ArgumentException.ParamName"/>
/// is <c>Options.</c> and the option, and the message names it and says why; <see cref="Option"/> and
/// <see cref="Reason"/> keep the two apart, so a caller can say it in its own words (the config's
/// <c>training.memoryBudgetMB</c> for <c>Training.MemoryBudgetMB</c>).
/// </summary>
public sealed class TrainerOptionException : ArgumentOutOfRangeException
{
    /// <param name="option">The option's path below Options.</param>
    /// <param name="shownAs">The option's name at the start of the message: a training setting is named as a config spells it.</param>
    /// <param name="reason">What is wrong with it.</param>
    internal TrainerOptionException(string option, string shownAs, string reason)
        : base($"{nameof(TransferLearningTrainer.Options)}.{option}", $"{shownAs} {reason}")
    {
        Option = option;
        Reason = reason;
    }

    /// <summary>The option's path below Options, for example <c>Training.BatchSize</c> or <c>HiddenUnits[0]</c>.</summary>
    public string Option { get; }

    /// <summary>What is wrong with it, without its name.</summary>
    public string Reason { get; }
}
