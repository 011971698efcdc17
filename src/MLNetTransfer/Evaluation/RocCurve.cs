namespace MLNetTransfer.Evaluation;

/// <summary>The ROC curve of a two-class model: false and true positive rates as the threshold falls.</summary>
public static class RocCurve
{
    /// <summary>Points from (0, 0) to (1, 1), one per distinct score; empty where a class is missing.</summary>
    public static IReadOnlyList<(double FalsePositiveRate, double TruePositiveRate)> Points(IEnumerable<(float Score, bool Positive)> scored)
    {
        var ranked = scored.OrderByDescending(s => s.Score).ToList();
        var positives = ranked.Count(s => s.Positive);
        var negatives = ranked.Count - positives;
        if (positives == 0 || negatives == 0) return [];
        var points = new List<(double, double)> { (0, 0) };
        int truePositives = 0, falsePositives = 0;
        for (var i = 0; i < ranked.Count; i++)
        {
            if (ranked[i].Positive) truePositives++;
            else falsePositives++;
            // Tied scores move together: one point per threshold.
            if (i + 1 == ranked.Count || ranked[i + 1].Score != ranked[i].Score)
                points.Add(((double)falsePositives / negatives, (double)truePositives / positives));
        }
        return points;
    }
}
