using System.Diagnostics;

namespace MLNetTransfer.Cli.Benchmarks;

/// <summary>
/// Polls a process's working set while a measurement runs: the process-wide peak counter cannot be reset between
/// measurements, and a child process's cannot be read once it has exited.
/// </summary>
public sealed class MemorySampler : IDisposable
{
    readonly CancellationTokenSource stop = new();
    readonly Thread thread;
    long peak;

    public MemorySampler(Process process)
    {
        thread = new Thread(() =>
        {
            // At least one reading, even for a measurement shorter than the polling interval.
            do
            {
                try
                {
                    process.Refresh();
                    if (process.HasExited) return;
                    peak = Math.Max(peak, process.WorkingSet64);
                }
                catch (InvalidOperationException)
                {
                    return; // exited between the check and the read
                }
                Thread.Sleep(10);
            } while (!stop.IsCancellationRequested);
        }) { IsBackground = true };
        thread.Start();
    }

    /// <summary>The largest working set seen so far, in megabytes.</summary>
    public double PeakMegabytes => Interlocked.Read(ref peak) / 1048576.0;

    public void Dispose()
    {
        stop.Cancel();
        thread.Join();
        stop.Dispose();
    }
}
