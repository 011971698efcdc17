using System.Text.Json;

namespace MLNetTransfer.Data;

/// <summary>
/// What earlier scans of a dataset folder found for each file (usable, or why not, and any warning), kept in a file so
/// that scanning an unchanged folder again decodes nothing: a file is checked anew when its size or modification time
/// differs from the stored one. A missing, damaged or older file is read as no checks at all.
/// </summary>
static class StoredChecks
{
    const int Format = 1;

    /// <summary>One file's verdict and the file as it was when checked.</summary>
    public sealed record Check(long Length, long ModifiedTicks, string? Reason, string? Warning);

    sealed record Stored(int Format, Dictionary<string, Check> Files);

    /// <summary>The file in <paramref name="folder"/> holding the checks of <paramref name="root"/> under these settings.</summary>
    public static string PathFor(string folder, string root, bool exifOrientationApplied) =>
        Path.Combine(folder, Core.FileNames.ForKey($"{Path.GetFullPath(root)}\n{exifOrientationApplied}", ".checks"));

    public static Dictionary<string, Check> Read(string path)
    {
        try
        {
            var stored = File.Exists(path) ? JsonSerializer.Deserialize<Stored>(File.ReadAllText(path)) : null;
            return stored is { Format: Format, Files: not null } ? stored.Files : [];
        }
        catch (Exception e) when (e is JsonException or IOException)
        {
            return [];
        }
    }

    /// <summary>Writes through a temporary file; a store that cannot be written only costs the next scan its time.</summary>
    public static void Write(string path, Dictionary<string, Check> files)
    {
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            Core.AtomicFile.WriteText(path, JsonSerializer.Serialize(new Stored(Format, files)));
        }
        catch (IOException)
        {
        }
    }
}
