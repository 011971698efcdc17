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
        var (times, memory) = Runs(work, seconds);
        return (times[times.Count / 2], memory);
    }

    /// <summary>As <see cref="Median"/>, but the fastest run: for a peak rate rather than a typical one.</summary>
    public static double Fastest(Action work, double seconds) => Runs(work, seconds).Times[0];

    // The sorted run times and the peak working set.
    static (List<double> Times, double PeakMegabytes) Runs(Action work, double seconds)
    {
        using var memory = new MemorySampler();
        work();
        var times = new List<double>();
        var budget = Stopwatch.StartNew();
        while (times.Count < 3 || budget.Elapsed.TotalSeconds < seconds)
        {
            var clock = Stopwatch.StartNew();
            work();
            times.Add(clock.Elapsed.TotalSeconds);
        }
        times.Sort();
        return (times, memory.PeakMegabytes);
    }

    // Polls the working set: the process-wide peak counter cannot be reset between measurements.
    sealed class MemorySampler : IDisposable
    {
        readonly CancellationTokenSource stop = new();
        readonly Thread thread;
        long peak;

        public MemorySampler()
        {
            thread = new Thread(() =>
            {
                using var process = Process.GetCurrentProcess();
                while (!stop.IsCancellationRequested)
                {
                    process.Refresh();
                    peak = Math.Max(peak, process.WorkingSet64);
                    Thread.Sleep(10);
                }
            }) { IsBackground = true };
            thread.Start();
        }

        public double PeakMegabytes => Interlocked.Read(ref peak) / 1048576.0;

        public void Dispose()
        {
            stop.Cancel();
            thread.Join();
            stop.Dispose();
        }
    }
}
