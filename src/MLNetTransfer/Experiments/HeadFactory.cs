using Microsoft.ML;
using Microsoft.ML.Trainers;
using Microsoft.ML.Trainers.LightGbm;

namespace MLNetTransfer.Experiments;

/// <summary>Builds the ML.NET multiclass trainer a <see cref="HeadConfig"/> describes; unset fields keep ML.NET's defaults.</summary>
internal static class HeadFactory
{
    public static IEstimator<ITransformer> Create(MLContext ml, HeadConfig head, string labelColumnName, string featureColumnName)
    {
        var trainers = ml.MulticlassClassification.Trainers;
        switch (head.Trainer)
        {
            case HeadTrainer.LbfgsMaximumEntropy:
                var lbfgs = new LbfgsMaximumEntropyMulticlassTrainer.Options { LabelColumnName = labelColumnName, FeatureColumnName = featureColumnName };
                if (head.L1Regularization is { } l1) lbfgs.L1Regularization = l1;
                if (head.L2Regularization is { } l2) lbfgs.L2Regularization = l2;
                if (head.MaximumIterations is { } iterations) lbfgs.MaximumNumberOfIterations = iterations;
                return trainers.LbfgsMaximumEntropy(lbfgs);
            case HeadTrainer.SdcaMaximumEntropy:
                return trainers.SdcaMaximumEntropy(new SdcaMaximumEntropyMulticlassTrainer.Options
                {
                    LabelColumnName = labelColumnName,
                    FeatureColumnName = featureColumnName,
                    L1Regularization = head.L1Regularization,
                    L2Regularization = head.L2Regularization,
                    MaximumNumberOfIterations = head.MaximumIterations,
                    // One thread keeps SDCA's updates in a fixed order, so the same seed gives the same model.
                    NumberOfThreads = 1,
                });
            case HeadTrainer.LightGbm:
                var gbm = new LightGbmMulticlassTrainer.Options
                {
                    LabelColumnName = labelColumnName,
                    FeatureColumnName = featureColumnName,
                    NumberOfLeaves = head.NumberOfLeaves,
                    LearningRate = head.LearningRate,
                    MinimumExampleCountPerLeaf = head.MinimumExampleCountPerLeaf,
                    NumberOfThreads = 1,
                };
                if (head.NumberOfIterations is { } rounds) gbm.NumberOfIterations = rounds;
                return trainers.LightGbm(gbm);
            default:
                throw new ArgumentOutOfRangeException(nameof(head), head.Trainer, "unknown head trainer");
        }
    }
}
