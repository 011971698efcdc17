namespace MLNetTransfer.Experiments;

/// <summary>How the backbone takes part in training.</summary>
public enum TrainingMode
{
    /// <summary>The backbone is frozen; its features are computed once per image and a head is trained on them.</summary>
    FeatureExtraction,

    /// <summary>The backbone is frozen but runs on every batch (so augmentation can apply); a TorchSharp head trains.</summary>
    FrozenBase,

    /// <summary>Phases: the head on a frozen base, then the top stages with the head, at a lower learning rate.</summary>
    FineTune,

    /// <summary>The book's small convnet, trained from random weights: the baseline transfer learning is compared with.</summary>
    FromScratch,
}
