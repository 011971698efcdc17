using System.Runtime.InteropServices;

namespace MLNetTransfer.Tests.Support;

/// <summary>A fact about Linux alone; skipped, with the reason shown, on other systems.</summary>
public sealed class LinuxFactAttribute : FactAttribute
{
    public LinuxFactAttribute()
    {
        if (!RuntimeInformation.IsOSPlatform(OSPlatform.Linux)) Skip = "the native library patch applies to Linux only";
    }
}
