using Microsoft.ML;
using MLNetTransfer.Evaluation;

namespace MLNetTransfer.Tests.Evaluation;

/// <summary>The numbers a user of more than two classes reads: top-k, F1 averages, per-class AUC, confused pairs, calibration.</summary>
public sealed class MulticlassMetricsTests
{
    static readonly string[] Classes = ["bear", "cat", "dog", "frog"];

    static Prediction P(string truth, params float[] scores) =>
        new("x.png", truth, Classes[Array.IndexOf(scores, scores.Max())], scores);

    // 8 images, 5 right: two dogs taken for cats, one cat for a bear.
    static readonly Prediction[] Predictions =
    [
        P("bear", 0.7f, 0.1f, 0.1f, 0.1f),
        P("bear", 0.6f, 0.2f, 0.1f, 0.1f),
        P("cat", 0.1f, 0.8f, 0.05f, 0.05f),
        P("cat", 0.5f, 0.3f, 0.1f, 0.1f),
        P("dog", 0.1f, 0.5f, 0.3f, 0.1f),
        P("dog", 0.05f, 0.45f, 0.1f, 0.4f),
        P("dog", 0.1f, 0.1f, 0.7f, 0.1f),
        P("frog", 0.0f, 0.0f, 0.0f, 1.0f),
    ];

    static EvaluationMetrics Metrics => ClassifierEvaluator.Evaluate(new MLContext(seed: 1), Predictions, Classes);

    [Fact]
    public void Top_k_counts_the_true_class_among_the_k_highest_scores()
    {
        var metrics = Metrics;
        Assert.Equal(5 / 8.0, metrics.Accuracy, 9);
        // Top-2 adds the cat at 0.3 and the dog at 0.3; the dog at 0.1 is only third (top-3).
        Assert.Equal([(2, 7 / 8.0), (3, 1.0)], metrics.TopK!.Select(t => (t.K, t.Accuracy)));
    }

    [Fact]
    public void F1_is_averaged_plainly_and_by_support_and_the_most_confused_pair_comes_first()
    {
        var metrics = Metrics;
        // bear: P 2/3 R 1 -> 0.8; cat: P 1/3 R 1/2 -> 0.4; dog: P 1 R 1/3 -> 0.5; frog: P 1 R 1 -> 1.
        double[] f1 = [0.8, 0.4, 0.5, 1];
        Assert.Equal(f1.Average(), metrics.MacroF1!.Value, 6);
        Assert.Equal((0.8 * 2 + 0.4 * 2 + 0.5 * 3 + 1) / 8, metrics.WeightedF1!.Value, 6);
        Assert.Equal([("dog", "cat", 2L), ("cat", "bear", 1L)], metrics.MostConfused!.Select(p => (p.True, p.Predicted, p.Count)));
    }

    [Fact]
    public void Each_class_gets_its_one_vs_rest_auc_and_their_mean()
    {
        var metrics = Metrics;
        var frog = metrics.PerClass.Single(c => c.Class == "frog");
        Assert.Equal(1.0, frog.Auc!.Value, 9);
        // dog scores 0.3, 0.1, 0.7 against the others' 0.1, 0.1, 0.05, 0.1, 0, ... : rank it by hand.
        var dog = ClassifierEvaluator.RocAuc(Predictions.Select(p => (p.Scores[2], p.Label == "dog")));
        Assert.Equal(dog, metrics.PerClass.Single(c => c.Class == "dog").Auc);
        Assert.Equal(metrics.PerClass.Average(c => c.Auc!.Value), metrics.MeanAuc!.Value, 9);
    }

    [Fact]
    public void Calibration_bins_the_top_probability_and_weighs_each_gap_by_its_share()
    {
        var calibration = Metrics.Calibration!;
        Assert.Equal(Calibration.BinCount, calibration.Bins.Count);
        Assert.Equal(Predictions.Length, calibration.Bins.Sum(b => b.Count));
        // Confidences 0.7, 0.6, 0.8, 0.5, 0.5, 0.45, 0.7, 1.0, right for 0.7, 0.6, 0.8, 0.7, 1.0.
        var byBin = Predictions.Select(p => p.Scores.Max()).Zip(new[] { 1, 1, 1, 0, 0, 0, 1, 1 })
            .GroupBy(x => Math.Clamp((int)Math.Ceiling(x.First * 15) - 1, 0, 14));
        var expected = byBin.Sum(g => g.Count() / 8.0 * Math.Abs(g.Average(x => (double)x.Second) - g.Average(x => (double)x.First)));
        Assert.Equal(expected, calibration.ExpectedCalibrationError, 6);
        var top = calibration.Bins[^1];
        Assert.Equal((1, 1.0, 1.0), (top.Count, top.MeanConfidence, top.Accuracy));
    }
}
