// Compiled by MSBuild's RoslynCodeTaskFactory (see TorchSharpNative.targets) against netstandard2.0; not part of
// any project.
#nullable enable
//
// TorchSharp 0.107's libLibTorchSharp.so was linked against GCC 13's libstdc++ and so records a need for the version
// GLIBCXX_3.4.32. The only symbol bound to that version is _ZSt21ios_base_library_initv, a link anchor that no
// relocation uses. On hosts whose libstdc++ predates GCC 13 (Debian 12: up to 3.4.30) the loader refuses the library
// although nothing in it would ever call into the missing version. Marking that one version need as weak
// (VER_FLG_WEAK in .gnu.version_r) makes glibc's loader accept it. The change is made to copies in build output only.
using System;
using System.IO;
using System.Linq;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

public class WeakenElfVersionNeed : Task
{
    const uint ShtGnuVerdef = 0x6ffffffd;
    const uint ShtGnuVerneed = 0x6ffffffe;
    const ushort VerFlgWeak = 0x2;

    /// <summary>Shared libraries to change in place (each replaced through a temporary file, never written through).</summary>
    [Required] public ITaskItem[] Libraries { get; set; } = Array.Empty<ITaskItem>();

    /// <summary>The version need to mark weak, e.g. GLIBCXX_3.4.32.</summary>
    [Required] public string Version { get; set; } = "";

    /// <summary>The library that should define <see cref="Version"/>, as the loader finds it, e.g. libstdc++.so.6.</summary>
    [Required] public string Provider { get; set; } = "";

    public override bool Execute()
    {
        var provider = FindLoadedLibrary(Provider);
        if (provider is null)
        {
            Log.LogMessage(MessageImportance.Normal, $"{Provider} is not loaded in this process; leaving TorchSharp's natives unchanged.");
            return true;
        }
        if (Defines(File.ReadAllBytes(provider), Version))
        {
            Log.LogMessage(MessageImportance.Low, $"{provider} defines {Version}; no change needed.");
            return true;
        }
        foreach (var item in Libraries)
        {
            var path = item.ItemSpec;
            var bytes = File.ReadAllBytes(path);
            switch (MarkNeedWeak(bytes, Version))
            {
                case null:
                    Log.LogMessage(MessageImportance.Low, $"{path} does not need {Version}.");
                    break;
                case false:
                    Log.LogMessage(MessageImportance.Low, $"{path}: {Version} is already weak.");
                    break;
                default:
                    // Write beside and rename, so a hard link into the NuGet cache is replaced rather than written through.
                    var temporary = path + ".weakening";
                    File.WriteAllBytes(temporary, bytes);
                    File.Delete(path);
                    File.Move(temporary, path);
                    Log.LogMessage(MessageImportance.High, $"{path}: marked the need for {Version} weak ({provider} lacks it).");
                    break;
            }
        }
        return !Log.HasLoggedErrors;
    }

    // The loader has already resolved the name for this very process (dotnet links libstdc++), so read where from.
    static string? FindLoadedLibrary(string soname)
    {
        const string maps = "/proc/self/maps";
        if (!File.Exists(maps)) return null;
        return File.ReadLines(maps)
            .Select(line => line.Split(new[] { ' ' }, StringSplitOptions.RemoveEmptyEntries).LastOrDefault())
            .FirstOrDefault(path => path is not null && path.StartsWith("/")
                                    && (Path.GetFileName(path) == soname || Path.GetFileName(path).StartsWith(soname + ".")));
    }

    static bool Defines(byte[] elf, string version)
    {
        foreach (var (offset, count, strings) in Sections(elf, ShtGnuVerdef))
        {
            var entry = offset;
            for (var i = 0; i < count; i++)
            {
                var aux = entry + (int)U32(elf, entry + 12);
                if (Str(elf, strings + (int)U32(elf, aux)) == version) return true;
                entry += (int)U32(elf, entry + 16);
            }
        }
        return false;
    }

    /// <returns>true when changed, false when already weak, null when the library does not need the version.</returns>
    static bool? MarkNeedWeak(byte[] elf, string version)
    {
        foreach (var (offset, count, strings) in Sections(elf, ShtGnuVerneed))
        {
            var need = offset;
            for (var i = 0; i < count; i++)
            {
                var aux = need + (int)U32(elf, need + 8);
                for (var j = 0; j < U16(elf, need + 2); j++)
                {
                    if (Str(elf, strings + (int)U32(elf, aux + 8)) == version)
                    {
                        var flags = U16(elf, aux + 4);
                        if ((flags & VerFlgWeak) != 0) return false;
                        var weak = flags | VerFlgWeak;
                        elf[aux + 4] = (byte)weak;
                        elf[aux + 5] = (byte)(weak >> 8);
                        return true;
                    }
                    aux += (int)U32(elf, aux + 12);
                }
                need += (int)U32(elf, need + 12);
            }
        }
        return null;
    }

    // (file offset, entry count from sh_info, file offset of the linked string table) of each section of a type.
    static System.Collections.Generic.IEnumerable<(int Offset, int Count, int Strings)> Sections(byte[] elf, uint type)
    {
        if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[2] != (byte)'L' || elf[3] != (byte)'F' || elf[4] != 2 || elf[5] != 1)
            throw new InvalidDataException("not a 64-bit little-endian ELF file");
        var table = (int)BitConverter.ToUInt64(elf, 0x28);
        var size = U16(elf, 0x3A);
        var count = U16(elf, 0x3C);
        for (var i = 0; i < count; i++)
        {
            var header = table + i * size;
            if (U32(elf, header + 4) != type) continue;
            var link = table + (int)U32(elf, header + 40) * size;
            yield return ((int)BitConverter.ToUInt64(elf, header + 24), (int)U32(elf, header + 44), (int)BitConverter.ToUInt64(elf, link + 24));
        }
    }

    static ushort U16(byte[] b, int at) => BitConverter.ToUInt16(b, at);
    static uint U32(byte[] b, int at) => BitConverter.ToUInt32(b, at);
    static string Str(byte[] b, int at) => Encoding.ASCII.GetString(b, at, Array.IndexOf(b, (byte)0, at) - at);
}
