namespace MLNetTransfer.Interpretability;

/// <summary>One image's heat-map with what it explains and how good it is.</summary>
/// <param name="Image">The image file.</param>
/// <param name="Rgb">The image as the model saw it: planar RGB 0-255 at the model's input size.</param>
/// <param name="Heatmap">The map, [height * width] in [0, 1].</param>
/// <param name="Class">The explained class.</param>
/// <param name="Probability">The model's probability for it.</param>
/// <param name="SalientDrop">How much the probability falls when the map's top 20% of pixels are blurred.</param>
/// <param name="RandomDrop">How much it falls when 20% random pixels are blurred.</param>
/// <param name="PeakInside">Whether the map's peak lies on the object; null without a mask.</param>
/// <param name="HeatInside">The share of the map's heat on the object; null without a mask.</param>
/// <param name="MaskCoverage">The share of the image the object covers (what a flat map scores); null without a mask.</param>
/// <param name="Road">ROAD's probability drops, most and least relevant pixels first; null where it was not measured.</param>
public sealed record Explanation(
    string Image,
    float[] Rgb,
    float[] Heatmap,
    string Class,
    double Probability,
    double SalientDrop,
    double RandomDrop,
    bool? PeakInside = null,
    double? HeatInside = null,
    double? MaskCoverage = null,
    Metrics.RoadScores? Road = null);
