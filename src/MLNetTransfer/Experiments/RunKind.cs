using MLNetTransfer.Interpretability;

namespace MLNetTransfer.Experiments;

/// <summary>
/// One way of training a run, with everything that depends on it: how it trains and scores, whether it can resume,
/// and how its finished folder is reopened for explanation. A training mode maps to one kind.
/// </summary>
abstract class RunKind
{
    /// <summary>The kind of run <paramref name="config"/> asks for, with its settings resolved.</summary>
    public static RunKind For(ExperimentConfig config) => config.Mode == TrainingMode.FeatureExtraction
        ? new FeatureExtractionRun(ModeDefaults.HeadOf(config))
        : new NetworkRun(ModeDefaults.NetworkOf(config));

    /// <summary>A finished run made differentiable for explanation, the way its kind was trained.</summary>
    /// <exception cref="Core.DataException">A run whose network cannot be rebuilt (see the message).</exception>
    public static ExplainableRun Explainable(TrainedRun run) => run.Record.Mode == TrainingMode.FeatureExtraction
        ? FeatureExtractionRun.Reopen(run)
        : NetworkRun.Reopen(run);

    /// <summary>Saves the finished run's model.zip again with the Heatmap column, the way its kind builds it.</summary>
    /// <exception cref="Core.DataException">A run whose model cannot have the column (see the message).</exception>
    public static void AddHeatmap(TrainedRun run)
    {
        if (run.Record.Mode == TrainingMode.FeatureExtraction) FeatureExtractionRun.SaveWithHeatmap(run);
        else NetworkRun.SaveWithHeatmap(run);
    }

    /// <summary>Trains the run's model on <see cref="RunContext.Split"/>'s training images.</summary>
    public abstract ITrainedModel Train(RunContext run);

    /// <summary>Why an interrupted run of this kind cannot be continued, or null when it can.</summary>
    public abstract string? CannotResume { get; }

    /// <summary><paramref name="config"/> with this kind's resolved settings in their fields, as config.json records them.</summary>
    public abstract ExperimentConfig Written(ExperimentConfig config);

    /// <summary>The head in a few words.</summary>
    public abstract string Head { get; }

    /// <summary>The number format training computes in, for run.json; null for a kind that trains no network.</summary>
    public virtual Training.TrainingPrecision? Precision => null;
}
