namespace MLNetTransfer.Data;

/// <summary>
/// Where each image's class comes from: its folder (<see cref="Folders"/>, the default), a regular expression on its
/// file name (<see cref="FileNameLabels"/>), or a CSV of file and class (<see cref="CsvLabels"/>): the three layouts
/// fastai's <c>ImageDataLoaders</c> read as <c>from_folder</c>, <c>from_name_re</c> and <c>from_csv</c>.
/// </summary>
public abstract class LabelSource
{
    /// <summary>One sub-folder of images per class, named for the class.</summary>
    public static LabelSource Folders { get; } = new FolderLabels();

    /// <summary>
    /// The candidate images under <paramref name="root"/> with their classes, and the files left out for want of one.
    /// Hidden entries are never read; folders for which <paramref name="holdsRuns"/> is true are left out, each listed
    /// once with <see cref="ImageFolder.RunOutputReason"/>.
    /// </summary>
    /// <exception cref="Core.DataException">The layout does not fit this source (no class folders, for example).</exception>
    internal abstract Labeled Find(string root, Func<string, bool> holdsRuns);

    /// <summary>
    /// The classes found: those the source names, whether or not their files are usable, so a class whose every file is
    /// bad is an error rather than a class that silently vanishes.
    /// </summary>
    internal sealed record Labeled(IReadOnlyList<string> Classes, IReadOnlyList<(string File, string Label)> Files, IReadOnlyList<SkippedFile> Unlabeled);

    /// <summary>The error for a class none of whose files is usable: it names the folder, pattern or CSV.</summary>
    internal abstract string NoUsableImages(string root, string label);

    /// <summary>Every file under <paramref name="root"/>, recursively, in ordinal order, leaving out hidden entries and run output.</summary>
    internal static IEnumerable<string> FilesUnder(string root, Func<string, bool> holdsRuns, List<SkippedFile> skipped)
    {
        foreach (var file in Directory.EnumerateFiles(root).Where(f => !Path.GetFileName(f).StartsWith('.')).Order(StringComparer.Ordinal))
            yield return Path.GetFullPath(file);
        foreach (var folder in Directory.EnumerateDirectories(root).Where(d => !Path.GetFileName(d).StartsWith('.')).Order(StringComparer.Ordinal))
        {
            if (holdsRuns(folder)) { skipped.Add(new SkippedFile(Path.GetFullPath(folder), ImageFolder.RunOutputReason)); continue; }
            foreach (var file in FilesUnder(folder, holdsRuns, skipped)) yield return file;
        }
    }
}
