using System.Text.RegularExpressions;

namespace MLNetTransfer.Data;

/// <summary>
/// What a folder of images is, as a person starting a project would look at it: where the classes come from (one
/// sub-folder per class, the file names, or a CSV beside the images), the classes and their counts, and the files that
/// cannot be used. What <c>mlnet-transfer init</c> writes its config from, as ML.NET Model Builder's wizard looks at a
/// folder before it trains.
/// </summary>
/// <param name="Root">The folder, as an absolute path.</param>
/// <param name="Layout">How the classes were found: <see cref="FoldersLayout"/>, <see cref="FileNameLayout"/> or <see cref="CsvLayout"/>.</param>
/// <param name="Labels">The label source of that layout.</param>
/// <param name="Why">Why that layout, in a sentence.</param>
/// <param name="Scanned">The dataset as the training scan reads it: classes, usable images, skipped files and why.</param>
/// <param name="Alternatives">Other ways to read the same folder, each in a sentence (a finer class in the file names, say).</param>
public sealed record DatasetSurvey(string Root, string Layout, LabelSource Labels, string Why, ImageFolder Scanned, IReadOnlyList<string> Alternatives)
{
    public const string FoldersLayout = "folders";
    public const string FileNameLayout = "file names";
    public const string CsvLayout = "csv";

    /// <summary>Images of each class, in the classes' order.</summary>
    public IReadOnlyDictionary<string, int> Counts =>
        Scanned.Classes.ToDictionary(c => c, c => Scanned.Images.Count(i => i.Label == c));

    /// <summary>
    /// Looks at <paramref name="root"/>: class sub-folders when at least two hold images; else a CSV in it with a column
    /// naming its images and a column of classes; else a class at the start of each image's file name, before a number
    /// (<c>cat.12.jpg</c>, <c>Abyssinian_101.jpg</c>). Then scans it as training will, checking every file.
    /// </summary>
    /// <exception cref="Core.DataException">None of the layouts fits, naming what was found.</exception>
    public static DatasetSurvey Of(string root)
    {
        if (!Directory.Exists(root)) throw new Core.DataException($"folder not found: {root}");
        root = Path.GetFullPath(root);
        var folders = ClassFolders(root);
        var alternatives = new List<string>();
        var images = Images(root);
        var namePattern = NamePattern(images);
        DatasetSurvey Scanned(string layout, LabelSource labels, string why) =>
            new(root, layout, labels, why, ImageFolder.Scan(root, labels: labels), alternatives);
        if (folders.Count >= 2)
        {
            if (namePattern is { } finer && finer.Classes > folders.Count)
                alternatives.Add($"the file names also give {finer.Classes} classes: \"labels\": {{ \"fileName\": \"{finer.Pattern}\" }} reads them");
            return Scanned(FoldersLayout, LabelSource.Folders, $"{folders.Count} sub-folders hold images: one class each, named for its folder");
        }
        if (Csv(root, images) is { } csv)
            return Scanned(CsvLayout, new CsvLabels(csv.Path, csv.FileColumn, csv.LabelColumn),
                $"{Path.GetFileName(csv.Path)} names the images in its column '{csv.FileColumn}' and their classes in '{csv.LabelColumn}'");
        if (namePattern is { } names)
            return Scanned(FileNameLayout, new FileNameLabels(names.Pattern),
                $"the file names start with a class and end with a number ({names.Example}): {names.Classes} classes");
        throw new Core.DataException($"{root}: no layout of a classification dataset found: it needs one sub-folder of images per class, " +
                                     "image files named <class><separator><number> (cat.12.jpg), or a CSV of file and class beside them");
    }

    // The sub-folders holding images, leaving out hidden ones and the object masks.
    static List<string> ClassFolders(string root) =>
        Directory.GetDirectories(root).Where(d => !Path.GetFileName(d).StartsWith('.') && Path.GetFileName(d) != FolderLabels.MasksFolder)
            .Where(d => Directory.EnumerateFiles(d).Any(ImageFolder.IsImageFile)).ToList();

    // The image files anywhere under the root, relative to it with '/' between folders, but not the masks.
    static List<string> Images(string root) =>
        Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories).Where(ImageFolder.IsImageFile)
            .Select(f => Path.GetRelativePath(root, f).Replace('\\', '/'))
            .Where(f => !f.Split('/').Any(part => part.StartsWith('.') || part == FolderLabels.MasksFolder)).ToList();

    // <class><. _ or -><number>.<extension>, with the extensions the images have, so masks of another format stay out.
    static (string Pattern, int Classes, string Example)? NamePattern(IReadOnlyList<string> files)
    {
        var images = files.Select(Path.GetFileName).ToList();
        if (images.Count == 0) return null;
        var extensions = images.Select(f => Path.GetExtension(f)![1..]).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);
        var pattern = $@"^(.+?)[._-]\d+\.(?:{string.Join("|", extensions.Select(Regex.Escape))})$";
        var regex = new Regex(pattern, RegexOptions.CultureInvariant);
        var classes = images.Select(f => regex.Match(f!)).Where(m => m.Success).GroupBy(m => m.Groups[1].Value).ToList();
        var matched = classes.Sum(c => c.Count());
        // Most files match, and classes repeat: not one "class" per photo.
        return matched * 10 >= images.Count * 9 && classes.Count >= 2 && classes.All(c => c.Count() >= 2)
            ? (pattern, classes.Count, images[0]!)
            : null;
    }

    // A CSV in the root whose one column names most of the images (relative path or name, with or without extension)
    // and another holds classes: a column named like a class, else the first with repeated values.
    static (string Path, string FileColumn, string LabelColumn)? Csv(string root, IReadOnlyList<string> images)
    {
        var names = images.Concat(images.Select(f => Path.ChangeExtension(f, null)!)).Concat(images.Select(Path.GetFileName)).Concat(images.Select(Path.GetFileNameWithoutExtension))
            .ToHashSet(StringComparer.Ordinal);
        foreach (var file in Directory.GetFiles(root, "*.csv").Order(StringComparer.Ordinal))
        {
            var lines = File.ReadLines(file).Take(1001).ToList();
            if (lines.Count < 3) continue;
            var header = CsvLabels.Columns(file);
            var rows = lines.Skip(1).Where(l => l.Length > 0).Select(l => Core.Csv.Fields(l)).ToList();
            string[] Column(int c) => rows.Select(r => c < r.Count ? r[c].Trim() : "").ToArray();
            var fileAt = Enumerable.Range(0, header.Count).FirstOrDefault(c => Column(c).Count(names.Contains) * 2 > rows.Count, -1);
            if (fileAt < 0) continue;
            bool Classes(int c) => c != fileAt && Column(c) is var values && values.Distinct().Count() is var distinct && distinct >= 2 && distinct * 2 <= values.Length;
            var preferred = new[] { "label", "class", "category", "breed", "species", "target" };
            var labelAt = Enumerable.Range(0, header.Count).Where(Classes).OrderBy(c => Array.IndexOf(preferred, header[c].ToLowerInvariant()) is var i and >= 0 ? i : preferred.Length)
                .FirstOrDefault(-1);
            if (labelAt >= 0) return (file, header[fileAt], header[labelAt]);
        }
        return null;
    }
}
