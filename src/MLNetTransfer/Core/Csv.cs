namespace MLNetTransfer.Core;

/// <summary>CSV lines as RFC 4180 writes them.</summary>
public static class Csv
{
    /// <summary>Joins fields with commas, quoting those that hold a comma, quote or line break.</summary>
    public static string Line(IEnumerable<string> fields) => string.Join(',', fields.Select(Quote));

    static string Quote(string field) =>
        field.IndexOfAny([',', '"', '\n', '\r']) < 0 ? field : "\"" + field.Replace("\"", "\"\"") + "\"";
}
