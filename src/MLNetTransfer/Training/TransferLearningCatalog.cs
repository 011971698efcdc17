using Microsoft.ML;

namespace MLNetTransfer.Training;

/// <summary>The catalog entry point: <c>mlContext.MulticlassClassification.Trainers.TransferLearning(mlContext, options)</c>.</summary>
public static class TransferLearningCatalog
{
    /// <summary>A <see cref="TransferLearningTrainer"/>; its options are checked here, each error naming the option.</summary>
    /// <remarks>
    /// The context comes in beside the catalog: ML.NET gives an outside assembly no way from a catalog to its context
    /// (<c>CatalogUtils.GetEnvironment</c> is internal to ML.NET's own assemblies, TorchSharpCatalog's among them), and
    /// the trainer builds its ONNX Runtime scoring and draws its default seed from it.
    /// </remarks>
    public static TransferLearningTrainer TransferLearning(this MulticlassClassificationCatalog.MulticlassClassificationTrainers catalog,
        MLContext ml, TransferLearningTrainer.Options options) => new(ml, options);
}
