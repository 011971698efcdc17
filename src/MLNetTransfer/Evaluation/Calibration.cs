namespace MLNetTransfer.Evaluation;

/// <summary>
/// How far the model's confidence (its highest probability) is from how often it is right: the reliability diagram's
/// bins and the expected calibration error over them (Guo et al. 2017, "On Calibration of Modern Neural Networks").
/// </summary>
/// <param name="ExpectedCalibrationError">Sum over the bins of |accuracy - mean confidence|, each weighted by its share of the images.</param>
/// <param name="Bins">Equal-width confidence bins from 0 to 1, the empty ones included.</param>
public sealed record Calibration(double ExpectedCalibrationError, IReadOnlyList<ReliabilityBin> Bins)
{
    /// <summary>The bins of the report's diagram and of the error: 15, as Guo et al. use.</summary>
    public const int BinCount = 15;

    /// <summary>Calibration of <paramref name="predictions"/>, whose scores are in the order of <paramref name="classes"/>.</summary>
    public static Calibration Of(IReadOnlyList<Prediction> predictions, IReadOnlyList<string> classes)
    {
        var bins = Enumerable.Range(0, BinCount).Select(_ => (Count: 0, Confidence: 0.0, Right: 0)).ToArray();
        foreach (var p in predictions)
        {
            var top = 0;
            for (var k = 1; k < p.Scores.Length; k++) if (p.Scores[k] > p.Scores[top]) top = k;
            var confidence = (double)p.Scores[top];
            // Bin b holds (b/15, (b+1)/15]; a confidence of 0 joins the first.
            var b = Math.Clamp((int)Math.Ceiling(confidence * BinCount) - 1, 0, BinCount - 1);
            bins[b] = (bins[b].Count + 1, bins[b].Confidence + confidence, bins[b].Right + (classes[top] == p.Label ? 1 : 0));
        }
        var total = (double)predictions.Count;
        var reliability = bins.Select((bin, b) => new ReliabilityBin((double)b / BinCount, (double)(b + 1) / BinCount, bin.Count,
            bin.Count == 0 ? 0 : bin.Confidence / bin.Count, bin.Count == 0 ? 0 : (double)bin.Right / bin.Count)).ToList();
        return new Calibration(reliability.Sum(bin => bin.Count / total * Math.Abs(bin.Accuracy - bin.MeanConfidence)), reliability);
    }
}

/// <summary>One bin of a reliability diagram: the images whose confidence lies in (<paramref name="Low"/>, <paramref name="High"/>].</summary>
/// <param name="Low">Lower edge of the bin.</param>
/// <param name="High">Upper edge.</param>
/// <param name="Count">Images in it.</param>
/// <param name="MeanConfidence">Their mean highest probability (0 where empty).</param>
/// <param name="Accuracy">The share of them classified correctly (0 where empty).</param>
public sealed record ReliabilityBin(double Low, double High, int Count, double MeanConfidence, double Accuracy);
