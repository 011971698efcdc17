using MLNetTransfer.Core;

namespace MLNetTransfer.Tests.Core;

public sealed class NativeHeapTests
{
    /// <summary>A fact about glibc's heap; skipped, with the reason shown, on other systems.</summary>
    public sealed class LinuxFactAttribute : FactAttribute
    {
        public LinuxFactAttribute()
        {
            if (!OperatingSystem.IsLinux()) Skip = "malloc_trim is glibc's, on Linux only";
        }
    }

    [LinuxFact]
    public void On_linux_the_c_heap_is_trimmed_while_the_process_runs_once_started()
    {
        Assert.True(NativeHeap.TrimWhileRunning());
        // Once per process: a second call finds the trimmer running.
        Assert.True(NativeHeap.TrimWhileRunning());
    }
}
