namespace MLNetTransfer.Data;

/// <summary>A file in a class folder that is not used, and why.</summary>
public sealed record SkippedFile(string Path, string Reason)
{
    /// <summary>The file a command writes beside its output to list the files it left out.</summary>
    public const string CsvFile = "skipped.csv";

    /// <summary><paramref name="files"/> as CSV with a header: <c>file,reason</c>.</summary>
    public static string FormatCsv(IEnumerable<SkippedFile> files) =>
        string.Join('\n', files.Select(f => Core.Csv.Line([f.Path, f.Reason])).Prepend("file,reason")) + "\n";
}
