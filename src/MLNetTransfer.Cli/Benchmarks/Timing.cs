using System.Diagnostics;

namespace MLNetTransfer.Cli.Benchmarks;

/// <summary>Runs a piece of work repeatedly for a time budget and reports its median, with the memory it took.</summary>
public static class Timing
{
    /// <summary>
    /// Runs <paramref name="work"/> once to warm up, then until <paramref name="seconds"/> have passed (at least
    /// three times); returns the median seconds per run and the peak working set in megabytes.
    /// </summary>
    public static (double Seconds, double PeakMegabytes) Median(Action work, double seconds)
    {
        var (times, memory) = Rounds([work], seconds);
        return (times[0][times[0].Count / 2], memory);
    }

    /// <summary>As <see cref="Median"/>, but the fastest run: for a peak rate rather than a typical one.</summary>
    public static double Fastest(Action work, double seconds) => Rounds([work], seconds).Times[0][0];

    /// <summary>
    /// Several pieces of work to compare, run in turn, round after round (<paramref name="seconds"/> each in all), so
    /// that a machine slowing down or speeding up during the measurement affects all of them alike. Returns the median
    /// seconds per run of each, and the peak working set over all of them.
    /// </summary>
    public static (double[] Seconds, double PeakMegabytes) Interleaved(IReadOnlyList<Action> works, double seconds)
    {
        var (times, memory) = Rounds(works, seconds);
        return (times.Select(t => t[t.Count / 2]).ToArray(), memory);
    }

    // Each work once to warm up, then rounds until the budget has passed (at least three): sorted run times of each.
    static (List<double>[] Times, double PeakMegabytes) Rounds(IReadOnlyList<Action> works, double seconds)
    {
        using var self = Process.GetCurrentProcess();
        using var memory = new MemorySampler(self);
        foreach (var work in works) work();
        var times = works.Select(_ => new List<double>()).ToArray();
        var budget = Stopwatch.StartNew();
        while (times[0].Count < 3 || budget.Elapsed.TotalSeconds < seconds * works.Count)
        {
            for (var i = 0; i < works.Count; i++)
            {
                var clock = Stopwatch.StartNew();
                works[i]();
                times[i].Add(clock.Elapsed.TotalSeconds);
            }
        }
        foreach (var list in times) list.Sort();
        return (times, memory.PeakMegabytes);
    }
}
