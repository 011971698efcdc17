using MLNetTransfer.Evaluation;
using MLNetTransfer.Experiments;
using MLNetTransfer.Pipelines;
using MLNetTransfer.Tests.Support;

namespace MLNetTransfer.Tests.Evaluation;

/// <summary>Probabilities that say how often the model is right, and a model.zip whose Score is calibrated.</summary>
public sealed class CalibrationTests : IDisposable
{
    readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    static readonly string[] Classes = ["a", "b", "c"];

    // 300 predictions right 70% of the time with the given confidence in the predicted class.
    static List<Prediction> Predictions(float confidence)
    {
        var random = new Random(3);
        return Enumerable.Range(0, 300).Select(i =>
        {
            var truth = i % 3;
            var predicted = random.NextDouble() < 0.7 ? truth : (truth + 1 + random.Next(2)) % 3;
            var scores = Enumerable.Repeat((1 - confidence) / 2, 3).ToArray();
            scores[predicted] = confidence;
            return new Prediction("x.png", Classes[truth], Classes[predicted], scores);
        }).ToList();
    }

    static double LogLoss(IEnumerable<Prediction> predictions) =>
        predictions.Average(p => -Math.Log(p.Scores[Array.IndexOf(Classes, p.Label)]));

    [Theory]
    [InlineData(0.98f, true)]
    [InlineData(0.45f, false)]
    public void The_temperature_softens_an_over_confident_model_and_sharpens_an_under_confident_one_without_changing_a_prediction(float confidence, bool overConfident)
    {
        var raw = Predictions(confidence);
        var scaling = TemperatureScaling.Fit(raw, Classes);
        var scaled = raw.Select(scaling.Apply).ToList();

        Assert.Equal(overConfident, scaling.Temperature > 1);
        Assert.True(LogLoss(scaled) < LogLoss(raw), $"log-loss {LogLoss(raw):0.000} -> {LogLoss(scaled):0.000} at T {scaling.Temperature}");
        // Right 70% of the time: the scaled confidence is near 0.7, and the error of the bins falls.
        Assert.InRange(scaled[0].Scores.Max(), 0.65, 0.75);
        Assert.True(Calibration.Of(scaled, Classes).ExpectedCalibrationError < Calibration.Of(raw, Classes).ExpectedCalibrationError);
        Assert.Equal(raw.Select(p => Array.IndexOf(p.Scores, p.Scores.Max())), scaled.Select(p => Array.IndexOf(p.Scores, p.Scores.Max())));
    }

    [Fact]
    public void A_four_class_run_with_temperature_scaling_saves_a_model_whose_score_is_calibrated()
    {
        var config = Configs.FourClasses(folder, imagesPerClass: 40);

        var result = new ExperimentRunner().Run(ExperimentConfigReader.Read(config));

        var metrics = result.Metrics;
        Assert.Equal(["bear", "cat", "dog", "rabbit"], metrics.Test.Classes);
        Assert.NotNull(metrics.Temperature);
        Assert.NotEqual(1.0, metrics.Temperature!.Value);
        var before = metrics.TestBeforeScaling!;
        Assert.Equal(before.Accuracy, metrics.Test.Accuracy);
        Assert.True(metrics.Validation!.LogLoss <= metrics.ValidationBeforeScaling!.LogLoss + 1e-9, "the fitted temperature lowers the validation log-loss it minimises");
        Assert.True(metrics.Test.Calibration!.ExpectedCalibrationError <= before.Calibration!.ExpectedCalibrationError + 0.03,
            $"test ECE {before.Calibration.ExpectedCalibrationError:0.000} before, {metrics.Test.Calibration.ExpectedCalibrationError:0.000} after (T {metrics.Temperature:0.000})");
        // The N-class metrics are all there.
        Assert.Equal([2, 3], metrics.Test.TopK!.Select(t => t.K));
        Assert.All(metrics.Test.PerClass, c => Assert.NotNull(c.Auc));
        Assert.NotNull(metrics.Test.MacroF1);
        Assert.NotNull(metrics.Test.MostConfused);
        Assert.Equal(Calibration.BinCount, metrics.Test.Calibration.Bins.Count);

        // An app that knows only ML.NET gets the calibrated probabilities run.json's metrics were computed from.
        var predicted = File.ReadAllLines(Path.Combine(result.Folder, "predictions.csv")).Skip(1).Select(l => l.Split(',')).ToList();
        var answers = HeatmapApp.Classify.Photos(Path.Combine(result.Folder, "model.zip"), predicted.Select(r => r[0]));
        for (var i = 0; i < answers.Count; i++)
        {
            Assert.Equal(predicted[i][2], answers[i].PredictedLabel);
            var expected = predicted[i][3..].Select(s => float.Parse(s, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
            Assert.Equal(expected.Length, answers[i].Score.Length);
            for (var k = 0; k < expected.Length; k++) Assert.Equal(expected[k], answers[i].Score[k], 3);
        }
        Assert.True(File.Exists(Path.Combine(result.Folder, TemperatureScaling.FileName)));
    }
}
