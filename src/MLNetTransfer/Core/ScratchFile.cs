using Microsoft.Win32.SafeHandles;

namespace MLNetTransfer.Core;

/// <summary>A file that lives only while its handle is open: a cache too large for memory, read back by offset.</summary>
internal static class ScratchFile
{
    /// <summary>
    /// Opens a new file in <paramref name="folder"/> (null: the system's temporary folder) for reading and writing. It is
    /// gone when the handle closes; on Unix its name is removed at once, so not even a killed process leaves it behind.
    /// </summary>
    public static SafeFileHandle Create(string? folder, string prefix, long preallocationSize = 0)
    {
        folder ??= Path.GetTempPath();
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, $"{prefix}-{Guid.NewGuid():N}.tmp");
        var handle = File.OpenHandle(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.Read, FileOptions.DeleteOnClose, preallocationSize);
        // Windows refuses to remove an open file; there DeleteOnClose removes it.
        if (!OperatingSystem.IsWindows()) File.Delete(path);
        return handle;
    }
}
