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
        return (times[0][times[0].Count / 2], memory[0]);
    }

    /// <summary>As <see cref="Median"/>, but the fastest run: for a peak rate rather than a typical one.</summary>
    public static double Fastest(Action work, double seconds) => Rounds([work], seconds).Times[0][0];

    /// <summary>
    /// Several pieces of work to compare, run in turn, round after round (<paramref name="seconds"/> each in all), so
    /// that a machine slowing down or speeding up during the measurement affects all of them alike. Returns the median
    /// seconds per run of each, and the peak working set while each ran.
    /// </summary>
    public static (double[] Seconds, double[] PeakMegabytes) Interleaved(IReadOnlyList<Action> works, double seconds)
    {
        var (times, memory) = Rounds(works, seconds);
        return (times.Select(t => t[t.Count / 2]).ToArray(), memory);
    }

    // Each work once to warm up, then rounds until the budget has passed (at least three): sorted run times of each,
    // and the peak working set seen while each ran (a sampler per run, as the process's own peak cannot be reset).
    static (List<double>[] Times, double[] PeakMegabytes) Rounds(IReadOnlyList<Action> works, double seconds)
    {
        using var self = Process.GetCurrentProcess();
        var peaks = new double[works.Count];
        double Run(int i)
        {
            var memory = new MemorySampler(self);
            try
            {
                var clock = Stopwatch.StartNew();
                works[i]();
                return clock.Elapsed.TotalSeconds;
            }
            finally
            {
                memory.Dispose(); // waits for the sampler, so its reading is in
                peaks[i] = Math.Max(peaks[i], memory.PeakMegabytes);
            }
        }
        for (var i = 0; i < works.Count; i++) Run(i);
        var times = works.Select(_ => new List<double>()).ToArray();
        var budget = Stopwatch.StartNew();
        while (times[0].Count < 3 || budget.Elapsed.TotalSeconds < seconds * works.Count)
            for (var i = 0; i < works.Count; i++) times[i].Add(Run(i));
        foreach (var list in times) list.Sort();
        return (times, peaks);
    }
}
