namespace MLNetTransfer.Backbones.Export;

/// <summary>
/// Test-time augmentation by flips: a prediction is the mean of the network's probabilities over the image and its
/// flipped copies, at evaluation and in the saved model. Flips move whole pixels, so a heat-map of each view can be
/// flipped back onto the image exactly. The names are the config's (<c>testTimeAugmentation</c>).
/// </summary>
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

public static class TestTimeAugmentationExtensions
{
    /// <summary>
    /// The views, the image itself first: for each, the dimensions of an [N, C, H, W] batch it flips (3 for left-right,
    /// 2 for upside down, both for the two at once).
    /// </summary>
    public static IReadOnlyList<long[]> Views(this TestTimeAugmentation augmentation)
    {
        List<long[]> views = [[]];
        foreach (var (flip, dimension) in new[] { (TestTimeAugmentation.HorizontalFlip, 3L), (TestTimeAugmentation.VerticalFlip, 2L) })
            if (augmentation == flip || augmentation == TestTimeAugmentation.Flips)
                views.AddRange(views.Select(view => (long[])[dimension, .. view]).ToList());
        return views;
    }
}
