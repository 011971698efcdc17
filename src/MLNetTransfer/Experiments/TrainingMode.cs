namespace MLNetTransfer.Experiments;

/// <summary>How the backbone takes part in training.</summary>
public enum TrainingMode
{
    /// <summary>The backbone is frozen; its features are computed once per image and a head is trained on them.</summary>
    FeatureExtraction,
}
