namespace MLNetTransfer.Training;

/// <summary>The learning rate of a phase at each optimizer step.</summary>
internal static class LearningRateSchedule
{
    /// <summary>The rate for step <paramref name="step"/> of <paramref name="totalSteps"/>, with <paramref name="stepsPerEpoch"/> per epoch.</summary>
    public static double At(TrainingPhase phase, int step, int totalSteps, int stepsPerEpoch)
    {
        var peak = phase.LearningRate;
        if (phase.Schedule == ScheduleKind.OneCycle)
        {
            var rise = phase.WarmupEpochs > 0 ? (int)Math.Round(phase.WarmupEpochs * stepsPerEpoch) : (int)Math.Round(0.3 * totalSteps);
            rise = Math.Clamp(rise, 1, Math.Max(1, totalSteps - 1));
            if (step < rise) return Between(peak / 25, peak, (double)step / rise);
            return Cosine(peak, peak / 1e4, (double)(step - rise) / Math.Max(1, totalSteps - rise));
        }

        var warmup = (int)Math.Round(phase.WarmupEpochs * stepsPerEpoch);
        if (step < warmup) return peak * (step + 1) / warmup;
        return phase.Schedule switch
        {
            ScheduleKind.Constant => peak,
            ScheduleKind.Step => peak * Math.Pow(phase.Gamma, step / stepsPerEpoch / Math.Max(1, phase.StepEpochs)),
            ScheduleKind.Cosine => Cosine(peak, 0, (double)(step - warmup) / Math.Max(1, totalSteps - warmup)),
            _ => throw new ArgumentOutOfRangeException(nameof(phase), phase.Schedule, "unknown schedule"),
        };
    }

    static double Between(double from, double to, double t) => from + (to - from) * t;

    static double Cosine(double from, double to, double t) => to + (from - to) * 0.5 * (1 + Math.Cos(Math.PI * Math.Clamp(t, 0, 1)));
}
