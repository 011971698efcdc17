using System.Globalization;
using System.Text;
using MLNetTransfer.Core;

namespace MLNetTransfer.Interpretability.Metrics;

/// <summary>Writes each heat-map's quality figures as CSV, one row per image, empty where no mask was known.</summary>
internal static class QualityCsv
{
    public static string Format(IEnumerable<Explanation> explanations)
    {
        static string Number(double? value) => value?.ToString("0.######", CultureInfo.InvariantCulture) ?? "";
        var text = new StringBuilder();
        var shares = RoadTest.Shares.Select(s => ((int)Math.Round(s * 100)).ToString(CultureInfo.InvariantCulture)).ToList();
        text.AppendLine(string.Join(",", ["file", "class", "probability", "deletion_drop_salient", "deletion_drop_random", "peak_inside", "heat_inside", "mask_coverage",
            "road_combined", .. shares.Select(s => $"road_morf_{s}"), .. shares.Select(s => $"road_lerf_{s}")]));
        foreach (var e in explanations)
            text.AppendLine(Csv.Line([e.Image, e.Class, Number(e.Probability), Number(e.SalientDrop), Number(e.RandomDrop),
                e.PeakInside is { } peak ? (peak ? "1" : "0") : "", Number(e.HeatInside), Number(e.MaskCoverage), Number(e.Road?.Combined),
                .. shares.Select((_, i) => Number(e.Road?.MostRelevantFirst[i])), .. shares.Select((_, i) => Number(e.Road?.LeastRelevantFirst[i]))]));
        return text.ToString();
    }
}
