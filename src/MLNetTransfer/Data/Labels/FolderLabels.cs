namespace MLNetTransfer.Data;

/// <summary>
/// A folder with one sub-folder of images per class, the layout of Keras' <c>image_dataset_from_directory</c> and
/// ML.NET's samples. Classes are sorted by name (ordinal) so that their order, and so the model's label keys, never
/// depend on the file system. Only the files directly inside a class folder are read.
/// </summary>
sealed class FolderLabels : LabelSource
{
    internal override Labeled Find(string root, Func<string, bool> holdsRuns)
    {
        var skipped = new List<SkippedFile>();
        var classFolders = new List<string>();
        foreach (var folder in Directory.GetDirectories(root).Where(d => !Path.GetFileName(d).StartsWith('.')).OrderBy(Path.GetFileName, StringComparer.Ordinal))
        {
            if (holdsRuns(folder)) skipped.Add(new SkippedFile(Path.GetFullPath(folder), ImageFolder.RunOutputReason));
            else classFolders.Add(folder);
        }
        if (classFolders.Count < 2)
            throw new Core.DataException($"{root} has {classFolders.Count} class folder(s); a classifier needs at least two (one sub-folder of images per class)");
        var files = classFolders.SelectMany(folder => Directory.EnumerateFiles(folder).Where(f => !Path.GetFileName(f).StartsWith('.'))
            .Order(StringComparer.Ordinal).Select(f => (Path.GetFullPath(f), Path.GetFileName(folder)))).ToList();
        return new Labeled(classFolders.Select(Path.GetFileName).ToList()!, files, skipped);
    }

    internal override string NoUsableImages(string root, string label) => $"class folder '{label}' has no usable images: {Path.Combine(root, label)}";
}
