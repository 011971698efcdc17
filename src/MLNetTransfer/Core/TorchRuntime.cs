using System.Runtime.InteropServices;
using TorchSharp;

namespace MLNetTransfer.Core;

/// <summary>Starts libtorch once per process and says which native library was loaded.</summary>
public static class TorchRuntime
{
    static readonly Lazy<string?> Loaded = new(Start);

    /// <summary>
    /// Loads TorchSharp's native backend for the CPU. On Linux, returns the path of the <c>libLibTorchSharp.so</c> the
    /// loader mapped (the build output's copy, changed by build/TorchSharpNative.targets where the host needs it);
    /// elsewhere null.
    /// </summary>
    public static string? EnsureStarted() => Loaded.Value;

    static string? Start()
    {
        NativeHeap.TrimWhileRunning();
        try
        {
            torch.InitializeDeviceType(DeviceType.CPU);
        }
        catch (Exception e) when (e is NotSupportedException or DllNotFoundException or TypeInitializationException)
        {
            throw new InvalidOperationException(
                "TorchSharp's native library did not load. An app needs a libtorch package beside MLNetTransfer (dotnet add package " +
                "libtorch-cpu, or a CUDA build). On Linux with a libstdc++ older than GCC 13, TorchSharp's shim must come from a build " +
                "that referenced MLNetTransfer, which patches it (see docs/platforms.md in the repository); rebuild rather than copying binaries by hand.", e);
        }
        return RuntimeInformation.IsOSPlatform(OSPlatform.Linux) ? MappedLibrary("libLibTorchSharp.so") : null;
    }

    static string? MappedLibrary(string fileName) =>
        File.ReadLines("/proc/self/maps")
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries).LastOrDefault())
            .FirstOrDefault(path => path is not null && Path.GetFileName(path) == fileName);
}
