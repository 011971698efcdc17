using System.Runtime.InteropServices;

namespace MLNetTransfer.Tests.Support;

/// <summary>A fact that mounts a file system (a small tmpfs): Linux as root only; skipped, with the reason shown, elsewhere.</summary>
public sealed class RootOnLinuxFactAttribute : FactAttribute
{
    public RootOnLinuxFactAttribute()
    {
        if (!RuntimeInformation.IsOSPlatform(OSPlatform.Linux) || Environment.UserName != "root")
            Skip = "mounting a small tmpfs needs Linux and root; the full-disk case is not exercised on this machine";
    }
}
