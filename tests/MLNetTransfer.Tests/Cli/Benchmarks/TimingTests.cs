using System.Runtime.InteropServices;
using MLNetTransfer.Cli.Benchmarks;
using Xunit;

namespace MLNetTransfer.Tests.Cli.Benchmarks;

/// <summary>
/// Runs alone: the peaks are the whole process's working set, which the tests running beside it would move by more
/// than the heavy work's 256 MB (a clean-clone run read 1953 MB for the light work and 1968 MB for the heavy one).
/// </summary>
[CollectionDefinition(nameof(TimingTests), DisableParallelization = true)]
public class TimingCollection;

[Collection(nameof(TimingTests))]
public class TimingTests
{
    [Fact]
    public void Interleaved_runs_the_works_in_turn_and_reports_each_ones_own_time_and_memory()
    {
        const int megabytes = 256;
        var order = new List<char>();
        void Light()
        {
            order.Add('L');
            Thread.Sleep(5);
        }
        // Native memory, touched page by page and freed at once: only the runs of this work can see it.
        void Heavy()
        {
            order.Add('H');
            var size = megabytes << 20;
            var block = Marshal.AllocHGlobal(size);
            try
            {
                for (var offset = 0; offset < size; offset += 4096) Marshal.WriteByte(block, offset, 1);
                // Long enough for the sampler's 10 ms poll to see it on a loaded machine too (40 ms was missed once).
                Thread.Sleep(250);
            }
            finally
            {
                Marshal.FreeHGlobal(block);
            }
        }

        var (seconds, peaks) = Timing.Interleaved([Light, Heavy], 0.05);

        Assert.True(order.Count >= 8, string.Concat(order)); // a warm-up and at least three rounds each
        Assert.All(order.Chunk(2), pair => Assert.Equal("LH", string.Concat(pair)));
        Assert.True(seconds[1] > seconds[0], $"light {seconds[0]} s, heavy {seconds[1]} s");
        Assert.True(peaks[0] > 0, "the light work's peak has no reading");
        Assert.True(peaks[1] - peaks[0] > megabytes / 2, $"light {peaks[0]:0} MB, heavy {peaks[1]:0} MB");
    }
}
