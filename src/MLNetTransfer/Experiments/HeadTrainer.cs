namespace MLNetTransfer.Experiments;

/// <summary>ML.NET multiclass trainers available as the head in feature-extraction mode.</summary>
public enum HeadTrainer
{
    /// <summary><c>mlContext.MulticlassClassification.Trainers.LbfgsMaximumEntropy</c>.</summary>
    LbfgsMaximumEntropy,

    /// <summary><c>mlContext.MulticlassClassification.Trainers.SdcaMaximumEntropy</c>.</summary>
    SdcaMaximumEntropy,

    /// <summary><c>mlContext.MulticlassClassification.Trainers.LightGbm</c>.</summary>
    LightGbm,
}
