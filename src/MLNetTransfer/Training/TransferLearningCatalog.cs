using Microsoft.ML;

namespace MLNetTransfer.Training;

/// <summary>The catalog entry point: <c>mlContext.MulticlassClassification.Trainers.TransferLearning(options)</c>.</summary>
public static class TransferLearningCatalog
{
    public static TransferLearningTrainer TransferLearning(this MulticlassClassificationCatalog.MulticlassClassificationTrainers catalog,
        MLContext ml, TransferLearningTrainer.Options options) => new(ml, options);
}
