using MLNetTransfer.Interpretability;

namespace MLNetTransfer.Experiments;

/// <summary>
/// One way of training a run, with everything that depends on it: how it trains and scores, whether it can resume,
/// and how its finished folder is reopened for explanation. A training mode maps to one kind.
/// </summary>
abstract class RunKind
{
    public static RunKind Of(TrainingMode mode) => mode == TrainingMode.FeatureExtraction ? FeatureExtractionRun.Instance : NetworkRun.Instance;

    /// <summary>Trains the run's model on <see cref="RunContext.Split"/>'s training images.</summary>
    public abstract ITrainedModel Train(RunContext run);

    /// <summary>Why an interrupted run of this kind cannot be continued, or null when it can.</summary>
    public abstract string? CannotResume { get; }

    /// <summary>The finished run made differentiable for explanation.</summary>
    public abstract ExplainableRun Explainable(TrainedRun run);
}
