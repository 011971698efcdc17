using MLNetTransfer.Training;

namespace MLNetTransfer.Tests.Training;

public class LearningRateScheduleTests
{
    const int StepsPerEpoch = 10;

    static double At(TrainingPhase phase, int step) => LearningRateSchedule.At(phase, step, phase.Epochs * StepsPerEpoch, StepsPerEpoch);

    [Fact]
    public void Constant_with_warm_up_rises_linearly_then_holds()
    {
        var phase = new TrainingPhase { Epochs = 4, LearningRate = 0.1, WarmupEpochs = 1 };
        Assert.Equal(0.01, At(phase, 0), 12);
        Assert.Equal(0.05, At(phase, 4), 12);
        Assert.Equal(0.1, At(phase, 9), 12);
        Assert.Equal(0.1, At(phase, 39), 12);
    }

    [Fact]
    public void Step_drops_by_gamma_every_step_epochs()
    {
        var phase = new TrainingPhase { Epochs = 6, LearningRate = 1, Schedule = ScheduleKind.Step, StepEpochs = 2, Gamma = 0.5 };
        Assert.Equal([1, 1, 0.5, 0.5, 0.25, 0.25], Enumerable.Range(0, 6).Select(e => At(phase, e * StepsPerEpoch)));
    }

    [Fact]
    public void Cosine_falls_from_the_rate_to_zero_over_the_phase()
    {
        var phase = new TrainingPhase { Epochs = 5, LearningRate = 0.2, Schedule = ScheduleKind.Cosine };
        Assert.Equal(0.2, At(phase, 0), 12);
        Assert.Equal(0.1, At(phase, 25), 12);
        Assert.True(At(phase, 49) < 0.001);
    }

    [Fact]
    public void One_cycle_rises_from_a_25th_to_the_peak_then_anneals()
    {
        var phase = new TrainingPhase { Epochs = 10, LearningRate = 1, Schedule = ScheduleKind.OneCycle };
        Assert.Equal(1.0 / 25, At(phase, 0), 12);
        Assert.Equal(1.0, At(phase, 30), 12);
        Assert.True(At(phase, 20) is > 0.04 and < 1);
        Assert.True(At(phase, 99) < 0.01);
    }
}
