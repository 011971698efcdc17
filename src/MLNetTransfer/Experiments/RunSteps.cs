using MLNetTransfer.Core;

namespace MLNetTransfer.Experiments;

/// <summary>Tells the caller which step of a run is going on, and how far it is; draws nothing.</summary>
sealed class RunSteps(IProgress<RunProgress>? progress)
{
    /// <summary>Starts a countable step; the counter it returns (none without a listener) takes the items done.</summary>
    public IProgress<int>? Counter(string step, int total)
    {
        if (progress is null) return null;
        Report(step, 0, total);
        return new ImmediateProgress<int>(done => Report(step, done, total));
    }

    public void Report(string step, int done = 0, int total = 0, string? detail = null) => progress?.Report(new RunProgress(step, done, total, detail));
}
