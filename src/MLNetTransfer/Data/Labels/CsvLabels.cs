namespace MLNetTransfer.Data;

/// <summary>
/// Classes read from a CSV of file and class with a header line, as fastai's <c>from_csv</c> and Kaggle's
/// <c>labels.csv</c>. A row's file is relative to the folder scanned (or absolute), with '/' or '\' between folders,
/// and may leave out the extension (Kaggle's dog-breed ids). Files under the folder without a row, rows with an empty
/// class are listed as skipped; second rows for one file and rows naming no file at all are found by
/// <see cref="RowProblems"/>.
/// </summary>
public sealed class CsvLabels : LabelSource
{
    readonly List<Row> rows = [];
    readonly Dictionary<string, Row> byFile = new(StringComparer.Ordinal);
    readonly List<SkippedFile> repeated = [];
    readonly HashSet<Row> claimed = [];

    sealed record Row(int Line, string File, string Label);

    /// <summary>The CSV file, as an absolute path.</summary>
    public string Path { get; }

    /// <summary>The column holding each image's file.</summary>
    public string FileColumn { get; }

    /// <summary>The column holding each image's class.</summary>
    public string LabelColumn { get; }

    /// <summary>Reads <paramref name="path"/>.</summary>
    /// <exception cref="Core.DataException">The file is missing or empty, or has no column of either name.</exception>
    public CsvLabels(string path, string fileColumn = "file", string labelColumn = "label")
    {
        Path = System.IO.Path.GetFullPath(path);
        (FileColumn, LabelColumn) = (fileColumn, labelColumn);
        if (!File.Exists(Path)) throw new Core.DataException($"labels file not found: {Path}");
        using var reader = new StreamReader(Path);
        var header = Header(reader.ReadLine());
        if (header.Count == 0) throw new Core.DataException($"{Path} is empty; it needs a header line naming its columns");
        int Column(string name) => header.ToList().IndexOf(name) is var i and >= 0 ? i
            : throw new Core.DataException($"{Path} has no column '{name}'; its columns are: {string.Join(", ", header)}");
        var (fileAt, labelAt) = (Column(fileColumn), Column(labelColumn));
        var line = 1;
        while (reader.ReadLine() is { } text)
        {
            line++;
            if (text.Length == 0) continue;
            var fields = Core.Csv.Fields(text);
            var file = fileAt < fields.Count ? Normal(fields[fileAt].Trim()) : "";
            var label = labelAt < fields.Count ? fields[labelAt].Trim() : "";
            if (file.Length == 0) continue;
            var row = new Row(line, file, label);
            rows.Add(row);
            if (!byFile.TryAdd(file, row))
                repeated.Add(new SkippedFile($"{Path}:{line}", $"a second row for {file} (the first is line {byFile[file].Line}); the first is used"));
        }
    }

    /// <summary>The column names of the CSV at <paramref name="path"/>, from its header line; empty for an empty file.</summary>
    public static IReadOnlyList<string> Columns(string path) => Header(File.ReadLines(path).FirstOrDefault());

    // A byte-order mark before the first name is not part of it.
    static IReadOnlyList<string> Header(string? line) =>
        line is null ? [] : Core.Csv.Fields(line.TrimStart('\uFEFF')).Select(h => h.Trim()).ToList();

    internal override Labeled Find(string root, Func<string, bool> holdsRuns)
    {
        root = System.IO.Path.GetFullPath(root);
        var skipped = new List<SkippedFile>();
        var files = new List<(string, string)>();
        foreach (var file in FilesUnder(root, holdsRuns, skipped))
        {
            if (file == Path) continue;
            var relative = Normal(System.IO.Path.GetRelativePath(root, file));
            var row = RowFor(relative) ?? RowFor(Normal(file));
            if (row is not null) claimed.Add(row);
            if (row is null) skipped.Add(new SkippedFile(file, $"no row in {System.IO.Path.GetFileName(Path)}"));
            else if (row.Label.Length == 0) skipped.Add(new SkippedFile(file, $"its row (line {row.Line} of {System.IO.Path.GetFileName(Path)}) has an empty class"));
            else files.Add((file, row.Label));
        }
        var classes = files.Select(f => f.Item2).Distinct().Order(StringComparer.Ordinal).ToList();
        if (classes.Count < 2)
            throw new Core.DataException($"{root}: the rows of {Path} that name its files give {classes.Count} class(es) ({string.Join(", ", classes)}); a classifier needs at least two");
        return new Labeled(classes, files, skipped);
    }

    /// <summary>
    /// The CSV's own problems, once for all the folders scanned with it so far: second rows for one file, and rows that
    /// named no file in any of them, each as <c>labels.csv:LINE</c> with the file it names, so a typo in the CSV is seen
    /// rather than silently dropping a photo.
    /// </summary>
    /// <param name="roots">The folders scanned, for the message.</param>
    public IReadOnlyList<SkippedFile> RowProblems(IReadOnlyList<string> roots) =>
        [.. repeated, .. rows.Where(row => byFile[row.File] == row && !claimed.Contains(row))
            .Select(row => new SkippedFile($"{Path}:{row.Line}", $"names {row.File}, which is not in {string.Join(" or ", roots)}"))];

    internal override string NoUsableImages(string root, string label) => $"class '{label}' has no usable images: none of the files in {root} that {Path} gives it";

    // A row names a file with or without its extension.
    Row? RowFor(string file) =>
        byFile.GetValueOrDefault(file) ?? (ImageFolder.IsImageFile(file) ? byFile.GetValueOrDefault(System.IO.Path.ChangeExtension(file, null)) : null);

    static string Normal(string file) => file.Replace('\\', '/');
}
