namespace MLNetTransfer.Experiments;

/// <summary>Views a trained network's prediction is averaged over, at evaluation and in the saved model.</summary>
public enum TestTimeAugmentation
{
    /// <summary>The image alone.</summary>
    None,

    /// <summary>The image and its left-right mirror.</summary>
    HorizontalFlip,
}
