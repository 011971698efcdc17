namespace MLNetTransfer.Core;

/// <summary>CSV lines as RFC 4180 writes them, and read back.</summary>
internal static class Csv
{
    /// <summary>Joins fields with commas, quoting those that hold a comma, quote or line break.</summary>
    public static string Line(IEnumerable<string> fields) => string.Join(',', fields.Select(Quote));

    /// <summary>The fields of one line as <see cref="Line"/> writes it (quoted fields may hold commas and quotes, not line breaks).</summary>
    public static IReadOnlyList<string> Fields(string line)
    {
        var fields = new List<string>();
        var field = new System.Text.StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quoted && c == '"' && i + 1 < line.Length && line[i + 1] == '"') { field.Append('"'); i++; }
            else if (c == '"') quoted = !quoted;
            else if (c == ',' && !quoted) { fields.Add(field.ToString()); field.Clear(); }
            else field.Append(c);
        }
        fields.Add(field.ToString());
        return fields;
    }

    static string Quote(string field) =>
        field.IndexOfAny([',', '"', '\n', '\r']) < 0 ? field : "\"" + field.Replace("\"", "\"\"") + "\"";
}
