namespace MLNetTransfer.Data;

/// <summary>
/// A folder with one sub-folder of images per class, the layout of Keras' <c>image_dataset_from_directory</c> and
/// ML.NET's samples. Classes are sorted by name (ordinal) so that their order, and so the model's label keys, never
/// depend on the file system. Only the files directly inside a class folder are read. A <c>masks</c> folder whose files
/// are named for the other folders' images is the dataset's object masks (<c>&lt;root&gt;/masks/&lt;image&gt;.png</c>,
/// the oxford-pets layout the localisation figures read), not a class.
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
        if (classFolders.FirstOrDefault(f => Path.GetFileName(f) == MasksFolder) is { } masks && AreMasks(masks, classFolders.Where(f => f != masks)))
        {
            classFolders.Remove(masks);
            skipped.Add(new SkippedFile(Path.GetFullPath(masks), MasksReason));
        }
        if (classFolders.Count < 2)
            throw new Core.DataException($"{root} has {classFolders.Count} class folder(s); a classifier needs at least two (one sub-folder of images per class)");
        var files = classFolders.SelectMany(folder => Directory.EnumerateFiles(folder).Where(f => !Path.GetFileName(f).StartsWith('.'))
            .Order(StringComparer.Ordinal).Select(f => (Path.GetFullPath(f), Path.GetFileName(folder)))).ToList();
        return new Labeled(classFolders.Select(Path.GetFileName).ToList()!, files, skipped);
    }

    /// <summary>The folder beside the class folders that holds the images' object masks.</summary>
    public const string MasksFolder = "masks";

    /// <summary>Why the masks folder is not a class.</summary>
    public const string MasksReason = "the images' object masks (masks/<image name>.png, read for localisation); not a class";

    // Most of its files are named like images of the other folders.
    static bool AreMasks(string folder, IEnumerable<string> classFolders)
    {
        var images = classFolders.SelectMany(Directory.EnumerateFiles).Select(Path.GetFileNameWithoutExtension).ToHashSet();
        var names = Directory.EnumerateFiles(folder).Where(f => !Path.GetFileName(f).StartsWith('.')).Select(Path.GetFileNameWithoutExtension).ToList();
        return names.Count > 0 && names.Count(images.Contains) * 2 > names.Count;
    }

    internal override string NoUsableImages(string root, string label) => $"class folder '{label}' has no usable images: {Path.Combine(root, label)}";
}
