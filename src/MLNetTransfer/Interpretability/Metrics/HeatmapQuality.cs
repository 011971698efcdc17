namespace MLNetTransfer.Interpretability.Metrics;

/// <summary>A CAM method's faithfulness over a set of explained images (and localisation where masks were given).</summary>
/// <param name="Method">The CAM method.</param>
/// <param name="Layer">The explained layer.</param>
/// <param name="Images">Images measured.</param>
/// <param name="SalientDrop">Mean drop in the class probability when the top 20% of each map is blurred.</param>
/// <param name="RandomDrop">The same for 20% random pixels.</param>
/// <param name="Localised">Images whose object was known (a mask or a box beside the dataset); the figures below are over them.</param>
/// <param name="PeakInside">Share of those whose map peaks on the object (pointing game).</param>
/// <param name="HeatInside">Mean share of each map's heat on the object.</param>
/// <param name="ObjectShare">Mean share of the image the object covers: what a flat map would score.</param>
/// <param name="RoadImages">Images ROAD was measured on; the ROAD figures are over them.</param>
/// <param name="RoadMostRelevantFirst">ROAD's mean probability drop, most relevant pixels removed first, over the images and 10% to 90%.</param>
/// <param name="RoadLeastRelevantFirst">The same, least relevant first.</param>
/// <param name="RoadCombined">ROAD's combined score, (MoRF - LeRF) / 2 averaged: higher is more faithful.</param>
public sealed record HeatmapQuality(string Method, string Layer, int Images, double SalientDrop, double RandomDrop,
    int Localised = 0, double? PeakInside = null, double? HeatInside = null, double? ObjectShare = null,
    int RoadImages = 0, double? RoadMostRelevantFirst = null, double? RoadLeastRelevantFirst = null, double? RoadCombined = null)
{
    /// <summary>The means over <paramref name="explanations"/>; the localisation figures over those with a mask. Null for none.</summary>
    public static HeatmapQuality? Of(string method, string layer, IReadOnlyList<Explanation> explanations)
    {
        if (explanations.Count == 0) return null;
        var localised = explanations.Where(e => e.PeakInside is not null).ToList();
        double? Over(Func<Explanation, double> value) => localised.Count == 0 ? null : localised.Average(value);
        var road = explanations.Select(e => e.Road).OfType<RoadScores>().ToList();
        double? OverRoad(Func<RoadScores, double> value) => road.Count == 0 ? null : road.Average(value);
        return new HeatmapQuality(method, layer, explanations.Count, explanations.Average(e => e.SalientDrop), explanations.Average(e => e.RandomDrop),
            localised.Count, Over(e => e.PeakInside == true ? 1 : 0), Over(e => e.HeatInside!.Value), Over(e => e.MaskCoverage!.Value),
            road.Count, OverRoad(r => r.MostRelevantFirst.Average()), OverRoad(r => r.LeastRelevantFirst.Average()), OverRoad(r => r.Combined));
    }
}
