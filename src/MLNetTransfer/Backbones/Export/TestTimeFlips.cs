namespace MLNetTransfer.Backbones.Export;

/// <summary>
/// Test-time augmentation by flips: a prediction is the mean of the network's probabilities over the image and every
/// combination of the chosen flips (two views for one flip, four for both). Flips move whole pixels, so a heat-map of
/// each view can be flipped back onto the image exactly.
/// </summary>
[Flags]
public enum TestTimeFlips
{
    /// <summary>The image alone.</summary>
    None = 0,
    /// <summary>Left-right mirror.</summary>
    Horizontal = 1,
    /// <summary>Upside down.</summary>
    Vertical = 2,
}

public static class TestTimeFlipsExtensions
{
    /// <summary>
    /// The views, the image itself first: for each, the dimensions of an [N, C, H, W] batch it flips (3 for left-right,
    /// 2 for upside down, both for the two at once).
    /// </summary>
    public static IReadOnlyList<long[]> Views(this TestTimeFlips flips)
    {
        List<long[]> views = [[]];
        foreach (var (flip, dimension) in new[] { (TestTimeFlips.Horizontal, 3L), (TestTimeFlips.Vertical, 2L) })
            if (flips.HasFlag(flip))
                views.AddRange(views.Select(view => (long[])[dimension, .. view]).ToList());
        return views;
    }
}
