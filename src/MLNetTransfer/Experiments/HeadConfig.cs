using System.ComponentModel;

namespace MLNetTransfer.Experiments;

/// <summary>
/// The ML.NET multiclass trainer fitted to the backbone's features, with its hyper-parameters. A hyper-parameter
/// that the chosen trainer does not have is an error, so a typo never goes unnoticed.
/// </summary>
public sealed record HeadConfig
{
    [Description("lbfgs-maximum-entropy (default), sdca-maximum-entropy or light-gbm.")]
    public HeadTrainer Trainer { get; init; } = HeadTrainer.LbfgsMaximumEntropy;

    [Description("L1 penalty (lbfgs-maximum-entropy, sdca-maximum-entropy). ML.NET's defaults: 1 for L-BFGS, automatic for SDCA.")]
    public float? L1Regularization { get; init; }

    [Description("L2 penalty (lbfgs-maximum-entropy, sdca-maximum-entropy). ML.NET's defaults: 1 for L-BFGS, automatic for SDCA.")]
    public float? L2Regularization { get; init; }

    [Description("Most optimiser iterations (lbfgs-maximum-entropy, sdca-maximum-entropy). Default: ML.NET's.")]
    public int? MaximumIterations { get; init; }

    [Description("Boosting rounds (light-gbm). Default: 100.")]
    public int? NumberOfIterations { get; init; }

    [Description("Leaves per tree (light-gbm). Default: ML.NET's.")]
    public int? NumberOfLeaves { get; init; }

    [Description("Shrinkage per round (light-gbm). Default: ML.NET's.")]
    public double? LearningRate { get; init; }

    [Description("Fewest examples in a leaf (light-gbm). Default: ML.NET's.")]
    public int? MinimumExampleCountPerLeaf { get; init; }

    [Description("With an augmentation block: also cache the features of this many augmented copies of each training image (computed once) and train on all of them. Default: 0.")]
    public int AugmentedCopies { get; init; }
}
