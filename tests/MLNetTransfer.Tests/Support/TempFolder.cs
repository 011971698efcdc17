namespace MLNetTransfer.Tests.Support;

/// <summary>A fresh folder under the system temp folder, deleted on dispose. Its name has a space and a non-ASCII
/// letter so every test also checks such paths.</summary>
public sealed class TempFolder : IDisposable
{
    public TempFolder() => Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "mlnet transfer é " + Guid.NewGuid().ToString("N")[..8]);

    public string this[string relative] => System.IO.Path.Combine(Path, relative);

    /// <summary>Writes a file (creating its folder) and returns its path.</summary>
    public string Write(string relative, string text)
    {
        var file = this[relative];
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(file)!);
        File.WriteAllText(file, text);
        return file;
    }

    /// <summary>Writes a small valid PNG (creating its folder) and returns its path.</summary>
    public string Image(string relative)
    {
        var file = this[relative];
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(file)!);
        File.WriteAllBytes(file, TinyPng.Bytes);
        return file;
    }

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); }
        catch (IOException) { /* a test that failed may still hold a file open; the OS cleans temp */ }
    }
}
