using MLNetTransfer.Cli.Rendering;
using MLNetTransfer.Experiments;
using Spectre.Console.Testing;

namespace MLNetTransfer.Tests.Cli;

public sealed class ProgressDisplayTests
{
    [Fact]
    public void Reports_from_many_threads_at_once_each_find_their_steps_bar()
    {
        // Image generation reports from a parallel loop. The display once kept its bars in a plain dictionary that
        // concurrent reports corrupted: `datasets synth` exited with 1 about every second run, its images written.
        // A race: one attempt met it two times in three on that code, so five are made.
        const int Steps = 20_000;
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var result = ProgressDisplay.Show(new TestConsole(), progress =>
            {
                Parallel.For(0, 2 * Steps, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i => progress.Report(new RunProgress($"step {i % Steps}", i / Steps, 2)));
                return attempt;
            });

            Assert.Equal(attempt, result);
        }
    }
}
