using MLNetTransfer.Training;

namespace MLNetTransfer.Tests.Training;

/// <summary>The sweep's rates, its stop on divergence, and the valley rule, on losses written by hand.</summary>
public sealed class LearningRateSweepTests
{
    [Fact]
    public void The_rates_grow_by_one_factor_from_start_to_end_and_the_sweep_stops_once_the_loss_diverges()
    {
        var recorder = new LearningRateSweep.Recorder(new LearningRateSweepOptions { StartRate = 1e-6, EndRate = 1, Steps = 7, Smoothing = 0 });
        var rates = new List<double>();
        foreach (var loss in new[] { 1.0, 0.8, 0.5, 0.3, 0.9, 1.3, 2.0 })
        {
            rates.Add(recorder.NextRate);
            recorder.Add(loss);
            if (recorder.Done) break;
        }
        // 1e-6 ... 1 over 7 steps is a factor of 10 a step; 1.3 passes 4 x 0.3, so the sweep stops there.
        Assert.Equal([1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1], rates.Select(r => Math.Round(r, 12)));
        var sweep = recorder.Result();
        Assert.True(sweep.Diverged);
        Assert.Equal(6, sweep.Points.Count);
        Assert.Equal(1e-3, sweep.MinimumRate, 12);
    }

    [Fact]
    public void The_smoothed_loss_is_the_bias_corrected_moving_average_of_the_batches_losses()
    {
        var recorder = new LearningRateSweep.Recorder(new LearningRateSweepOptions { Steps = 10, Smoothing = 0.5 });
        recorder.Add(2);
        recorder.Add(1);
        var points = recorder.Result().Points;
        Assert.Equal(2, points[0].Smoothed, 12);
        // (0.5 * (0.5 * 2) + 0.5 * 1) / (1 - 0.25) = 1.333...
        Assert.Equal(4.0 / 3, points[1].Smoothed, 12);
    }

    [Fact]
    public void The_valley_is_45_percent_of_the_way_down_the_longest_fall_and_survives_the_csv()
    {
        // Flat for 10 steps, falling for 30, then rising: the fall runs from step 9 to 39.
        var points = Enumerable.Range(0, 50).Select(i => new LearningRateSweep.Point(Math.Pow(10, -7 + i * 0.1), 0, i < 10 ? 1.0 : i < 40 ? 1.0 - (i - 9) * 0.02 : 0.4 + (i - 39) * 0.3)).ToList();
        var valley = LearningRateSweep.Valley(points);
        // From step 9 to 39 is 30 steps: a third is 10, half a third 5, so step 9 + 15 = 24.
        Assert.Equal(points[24].Rate, valley, 12);

        var sweep = new LearningRateSweep(points, valley, points[39].Rate, false);
        var read = LearningRateSweep.Parse(sweep.Csv());
        Assert.Equal(sweep.Points, read.Points);
        Assert.Equal(sweep.Suggested, read.Suggested);
        Assert.Equal(sweep.MinimumRate, read.MinimumRate);
    }
}
