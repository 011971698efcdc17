using System.Globalization;
using System.Text;
using MLNetTransfer.Core;

namespace MLNetTransfer.Interpretability.Metrics;

/// <summary>A heat-map method's place among those measured on the same images of one model.</summary>
/// <param name="Quality">Its figures.</param>
/// <param name="Faithfulness">What it is ranked by first: ROAD combined, or the deletion gap (see <see cref="MethodRanking"/>).</param>
/// <param name="FaithfulnessRank">1 for the most faithful.</param>
/// <param name="LocalisationRank">1 for the most heat on the object; null where the objects were not known.</param>
public sealed record RankedMethod(HeatmapQuality Quality, double Faithfulness, int FaithfulnessRank, int? LocalisationRank)
{
    public string Method => Quality.Method;
}

/// <summary>
/// Which heat-map method to trust on a model, by a rule stated once: methods are ranked by faithfulness, ROAD's combined
/// score (or, where ROAD was not measured for every method, the deletion test's salient minus random drop), and where
/// every method was measured against known objects also by localisation, the mean share of heat on the object. The
/// order is by the sum of the two ranks (faithfulness alone without objects), ties going to the more faithful. The
/// first is the best, what <c>explain --method best</c> picks.
/// </summary>
public static class MethodRanking
{
    /// <summary>The ranking's file in a run folder, written by the report and by <c>explain --method best</c>.</summary>
    public const string FileName = "method-ranking.csv";

    /// <summary>The methods of <paramref name="qualities"/> (one per method, measured on the same images) in the order to trust them.</summary>
    public static IReadOnlyList<RankedMethod> Rank(IReadOnlyList<HeatmapQuality> qualities)
    {
        var byRoad = qualities.All(q => q.RoadCombined is not null);
        double Faithfulness(HeatmapQuality q) => byRoad ? q.RoadCombined!.Value : q.SalientDrop - q.RandomDrop;
        var localised = qualities.Count > 0 && qualities.All(q => q.HeatInside is not null);
        var faithfulness = RankBy(qualities, Faithfulness);
        var localisation = localised ? RankBy(qualities, q => q.HeatInside!.Value) : null;
        return qualities.Select((q, i) => new RankedMethod(q, Faithfulness(q), faithfulness[i], localisation?[i]))
            .OrderBy(r => r.FaithfulnessRank + (r.LocalisationRank ?? 0)).ThenBy(r => r.FaithfulnessRank).ToList();
    }

    // 1-based ranks, highest value first, in the order of the items.
    static int[] RankBy(IReadOnlyList<HeatmapQuality> qualities, Func<HeatmapQuality, double> value)
    {
        var ranks = new int[qualities.Count];
        var order = Enumerable.Range(0, qualities.Count).OrderByDescending(i => value(qualities[i])).ToList();
        for (var place = 0; place < order.Count; place++) ranks[order[place]] = place + 1;
        return ranks;
    }

    static readonly string[] Columns = ["rank", "method", "layer", "images", "faithfulness", "faithfulness_rank", "localisation_rank",
        "road_combined", "road_morf", "road_lerf", "deletion_drop_salient", "deletion_drop_random", "localised", "peak_inside", "heat_inside"];

    /// <summary>The ranking as CSV, best first.</summary>
    public static string Format(IReadOnlyList<RankedMethod> ranking)
    {
        static string Number(double? value) => value?.ToString("0.######", CultureInfo.InvariantCulture) ?? "";
        var text = new StringBuilder().AppendLine(string.Join(",", Columns));
        foreach (var (r, place) in ranking.Select((r, i) => (r, i + 1)))
        {
            var q = r.Quality;
            text.AppendLine(Csv.Line([place.ToString(CultureInfo.InvariantCulture), q.Method, q.Layer, q.Images.ToString(CultureInfo.InvariantCulture),
                Number(r.Faithfulness), r.FaithfulnessRank.ToString(CultureInfo.InvariantCulture), r.LocalisationRank?.ToString(CultureInfo.InvariantCulture) ?? "",
                Number(q.RoadCombined), Number(q.RoadMostRelevantFirst), Number(q.RoadLeastRelevantFirst), Number(q.SalientDrop), Number(q.RandomDrop),
                q.Localised.ToString(CultureInfo.InvariantCulture), Number(q.PeakInside), Number(q.HeatInside)]));
        }
        return text.ToString();
    }

    /// <summary>The best method named by a ranking file's text.</summary>
    /// <exception cref="DataException">The text is no ranking, or an empty one; <paramref name="file"/> names it.</exception>
    public static string Best(string text, string file)
    {
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (lines.Length == 0 || lines[0] != string.Join(",", Columns)) throw new DataException($"{file}: not a method ranking (its header is not {string.Join(",", Columns)})");
        if (lines.Length == 1) throw new DataException($"{file}: the ranking has no methods");
        return Csv.Fields(lines[1])[1];
    }
}
