using System.Text.RegularExpressions;

namespace MLNetTransfer.Data;

/// <summary>
/// Classes read from file names by a regular expression with one capture group, as fastai's <c>from_name_re</c>:
/// <c>^(cat|dog)\.</c> for Kaggle's <c>cat.0.jpg</c>, <c>^([A-Za-z_]+)_\d+\.jpg$</c> for Oxford-IIIT Pet's
/// <c>Abyssinian_101.jpg</c>. The expression is matched against the file's name alone; every file under the root, in
/// any folder, is a candidate, and those whose name does not match are listed as skipped.
/// </summary>
public sealed class FileNameLabels : LabelSource
{
    readonly Regex pattern;

    /// <exception cref="ArgumentException">Not a regular expression, or not exactly one capture group.</exception>
    public FileNameLabels(string pattern)
    {
        this.pattern = new Regex(pattern, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
        var groups = this.pattern.GetGroupNumbers().Length - 1;
        if (groups != 1) throw new ArgumentException($"needs exactly one capture group, the class (it has {groups}); write other groups as (?:...)");
    }

    /// <summary>The expression as written.</summary>
    public string Pattern => pattern.ToString();

    internal override Labeled Find(string root, Func<string, bool> holdsRuns)
    {
        var skipped = new List<SkippedFile>();
        var files = new List<(string, string)>();
        foreach (var file in FilesUnder(root, holdsRuns, skipped))
        {
            var match = pattern.Match(Path.GetFileName(file));
            if (match.Success && match.Groups[1].Value.Length > 0) files.Add((file, match.Groups[1].Value));
            else skipped.Add(new SkippedFile(file, match.Success ? $"the class group of {Pattern} is empty in this name" : $"the file name does not match {Pattern}"));
        }
        var classes = files.Select(f => f.Item2).Distinct().Order(StringComparer.Ordinal).ToList();
        if (classes.Count < 2)
            throw new Core.DataException($"{root}: file names matching {Pattern} give {classes.Count} class(es) ({string.Join(", ", classes)}); a classifier needs at least two");
        return new Labeled(classes, files, skipped);
    }

    internal override string NoUsableImages(string root, string label) => $"class '{label}' has no usable images: none of the files in {root} whose names match {Pattern} with it";
}
