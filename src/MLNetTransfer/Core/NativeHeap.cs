using System.Runtime.InteropServices;

namespace MLNetTransfer.Core;

/// <summary>
/// Gives the C heap's free memory back to the system while a long run works. glibc keeps freed blocks in its arenas
/// for reuse, and libtorch, ONNX Runtime and the image decoders free many large ones on several threads, so a run's
/// resident memory grew with the images it had seen: 2.9 GB while a 20,000-image frozen-base run computed its frozen
/// layers, against 1.23 GB for the whole run trimmed (docs/training.md, Streaming and memory). Fixing glibc's mmap threshold
/// instead also kept it flat, but makes every large block a fresh mapping, and a fine-tune epoch took three times as long.
/// </summary>
internal static class NativeHeap
{
    static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);
    static readonly Lazy<Timer?> Trimmer = new(Start);

    /// <summary>
    /// Starts trimming glibc's heap once a second (<c>malloc_trim</c>), for the rest of the process. Once per process;
    /// nothing on other systems or C libraries. Returns whether it trims.
    /// </summary>
    public static bool TrimWhileRunning() => Trimmer.Value is not null;

    static Timer? Start()
    {
        if (!OperatingSystem.IsLinux() || !TryTrim()) return null;
        return new Timer(_ => TryTrim(), null, Interval, Interval);
    }

    static bool TryTrim()
    {
        try
        {
            MallocTrim(0);
            return true;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false; // another C library (musl has no malloc_trim): its own policy stays
        }
    }

    [DllImport("libc.so.6", EntryPoint = "malloc_trim")]
    static extern int MallocTrim(nuint pad);
}
