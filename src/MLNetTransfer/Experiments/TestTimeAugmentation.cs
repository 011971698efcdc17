using MLNetTransfer.Backbones.Export;

namespace MLNetTransfer.Experiments;

/// <summary>Views a trained network's prediction is averaged over, at evaluation and in the saved model.</summary>
public enum TestTimeAugmentation
{
    /// <summary>The image alone.</summary>
    None,

    /// <summary>The image and its left-right mirror.</summary>
    HorizontalFlip,

    /// <summary>The image and its upside-down copy (for photos with no up, such as aerial or microscope images).</summary>
    VerticalFlip,

    /// <summary>The image, its mirror, its upside-down copy and both at once: four views.</summary>
    Flips,
}

internal static class TestTimeAugmentationExtensions
{
    /// <summary>The flips the trainer exports for this setting.</summary>
    public static TestTimeFlips Flips(this TestTimeAugmentation augmentation) => augmentation switch
    {
        TestTimeAugmentation.HorizontalFlip => TestTimeFlips.Horizontal,
        TestTimeAugmentation.VerticalFlip => TestTimeFlips.Vertical,
        TestTimeAugmentation.Flips => TestTimeFlips.Horizontal | TestTimeFlips.Vertical,
        _ => TestTimeFlips.None,
    };
}
