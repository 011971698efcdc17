using SkiaSharp;

namespace MLNetTransfer.Data;

/// <summary>
/// A folder of labelled images: one sub-folder per class by default, or classes read from file names or a CSV
/// (<see cref="LabelSource"/>). Classes are sorted by name (ordinal) so that their order, and so the model's label
/// keys, never depend on the file system.
/// </summary>
public sealed record ImageFolder(string Root, IReadOnlyList<string> Classes, IReadOnlyList<LabeledImage> Images, IReadOnlyList<SkippedFile> Skipped)
{
    static readonly HashSet<string> Extensions = new(StringComparer.OrdinalIgnoreCase) { ".jpg", ".jpeg", ".png", ".bmp", ".gif", ".webp" };

    /// <summary>Whether a file's extension is one the image loader reads.</summary>
    public static bool IsImageFile(string path) => Extensions.Contains(Path.GetExtension(path));

    /// <summary>Image files named directly, or found in named folders (recursively), as absolute paths in a stable order.</summary>
    /// <exception cref="Core.DataException">A path that is neither a file nor a folder.</exception>
    public static IEnumerable<string> FilesIn(IEnumerable<string> paths) => paths.SelectMany(path =>
        File.Exists(path) ? [Path.GetFullPath(path)]
        : Directory.Exists(path) ? Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories).Where(IsImageFile).Order(StringComparer.Ordinal).Select(Path.GetFullPath)
        : throw new Core.DataException($"not found: {path}"));

    /// <summary>
    /// <see cref="FilesIn"/>, each file checked as the dataset scan checks it (header, size limit, a cheap decode), so a
    /// command that scores images can leave out the bad ones, with the reason, and go on with the rest.
    /// </summary>
    /// <exception cref="Core.DataException">No usable image at all: every bad file is named with its reason.</exception>
    public static (IReadOnlyList<string> Usable, IReadOnlyList<SkippedFile> Skipped) CheckedFilesIn(IReadOnlyList<string> paths)
    {
        var files = FilesIn(paths).ToList();
        if (files.Count == 0) throw new Core.DataException($"no images found in {string.Join(", ", paths)}");
        return Usable(files, f => f, string.Join(", ", paths));
    }

    /// <summary>
    /// Splits <paramref name="items"/> into those whose file can be used and those that cannot (missing, empty, not
    /// decodable...), with the reason, checked as the scan checks.
    /// </summary>
    /// <param name="items">Image files, or records naming one.</param>
    /// <param name="file">An item's file.</param>
    /// <param name="where">What the items are, for the error when none is usable.</param>
    /// <exception cref="Core.DataException">No usable file at all: every bad file is named with its reason.</exception>
    public static (IReadOnlyList<T> Usable, IReadOnlyList<SkippedFile> Skipped) Usable<T>(IReadOnlyList<T> items, Func<T, string> file, string where)
    {
        var reasons = items.AsParallel().AsOrdered().Select(item => Unusable(file(item))).ToList();
        var skipped = items.Zip(reasons).Where(p => p.Second is not null).Select(p => new SkippedFile(file(p.First), p.Second!)).ToList();
        if (skipped.Count == items.Count)
            throw new Core.DataException($"no usable image in {where}: {string.Join("; ", skipped.Select(s => $"{s.Path}: {s.Reason}"))}");
        return (items.Zip(reasons).Where(p => p.Second is null).Select(p => p.First).ToList(), skipped);
    }

    // Why the file cannot be used, or null.
    static string? Unusable(string file) =>
        File.Exists(file) ? Check(file, new FileInfo(file).Length, exifOrientationApplied: true).Reason : "file not found";

    /// <summary>Lists classes and images under <paramref name="root"/>; files that cannot be decoded are skipped with a reason.</summary>
    /// <param name="root">The folder: with one sub-folder per class, or as <paramref name="labels"/> reads it.</param>
    /// <param name="exifOrientationApplied">Whether images will be turned upright by their EXIF orientation; when not, each photo that has one gets a warning.</param>
    /// <param name="checksFolder">
    /// Where to keep what this scan found for each file, so that the next scan of the folder decodes only files whose
    /// size or modification time changed. Default: null, every file is checked.
    /// </param>
    /// <param name="outputFolder">
    /// The runs' output folder, never a class even where it sits inside <paramref name="root"/>. Default: null.
    /// </param>
    /// <param name="runMarkers">
    /// Names of the files and folders that only runs write (run.json, the feature cache): a folder holding one anywhere
    /// inside is not a class either. Both kinds are listed among the skipped with <see cref="RunOutputReason"/>.
    /// Default: none.
    /// </param>
    /// <param name="labels">Where each image's class comes from. Default: <see cref="LabelSource.Folders"/>.</param>
    /// <exception cref="Core.DataException">Fewer than two classes, or a class left with no images.</exception>
    public static ImageFolder Scan(string root, bool exifOrientationApplied = false, string? checksFolder = null, string? outputFolder = null,
        IReadOnlyCollection<string>? runMarkers = null, LabelSource? labels = null)
    {
        if (!Directory.Exists(root)) throw new Core.DataException($"folder not found: {root}");
        labels ??= LabelSource.Folders;
        var found = labels.Find(root, folder => HoldsRuns(folder, outputFolder, runMarkers ?? []));

        var checksFile = checksFolder is null ? null : StoredChecks.PathFor(checksFolder, root, exifOrientationApplied);
        var earlier = checksFile is null ? [] : StoredChecks.Read(checksFile);
        // Checking decodes every file not checked before as it is now: in parallel, in order.
        var checkedFiles = found.Files.AsParallel().AsOrdered().Select(candidate =>
        {
            var file = candidate.File;
            var info = new FileInfo(file);
            if (!IsImageFile(file)) return (candidate, new StoredChecks.Check(info.Length, 0, $"not an image extension ({string.Join(", ", Extensions)})", null));
            var modified = info.LastWriteTimeUtc.Ticks;
            if (earlier.TryGetValue(file, out var check) && check.Length == info.Length && check.ModifiedTicks == modified) return (candidate, check);
            var (reason, warning) = Check(file, info.Length, exifOrientationApplied);
            return (candidate, new StoredChecks.Check(info.Length, modified, reason, warning));
        }).ToList();

        var skipped = new List<SkippedFile>(found.Unlabeled);
        var checks = new Dictionary<string, StoredChecks.Check>();
        var images = new List<LabeledImage>();
        foreach (var ((file, label), check) in checkedFiles)
        {
            checks[file] = check;
            if (check.Reason is not null) skipped.Add(new SkippedFile(file, check.Reason));
            else images.Add(new LabeledImage(file, label, check.Length, check.Warning));
        }
        var used = images.Select(i => i.Label).ToHashSet();
        if (found.Classes.FirstOrDefault(c => !used.Contains(c)) is { } empty)
            throw new Core.DataException(labels.NoUsableImages(Path.GetFullPath(root), empty));
        if (checksFile is not null && !(checks.Count == earlier.Count && checks.All(c => earlier.TryGetValue(c.Key, out var e) && e == c.Value)))
            StoredChecks.Write(checksFile, checks);
        return new ImageFolder(Path.GetFullPath(root), found.Classes, images, skipped);
    }

    /// <summary>Why a folder of the dataset root is not a class: it holds runs' output.</summary>
    public const string RunOutputReason = "holds runs' output (the config's output folder, or a run's files); not a class";

    // The output folder itself, a folder it sits in, or one with a run's marker anywhere inside (hidden entries too).
    static bool HoldsRuns(string folder, string? outputFolder, IReadOnlyCollection<string> runMarkers)
    {
        var full = Path.GetFullPath(folder).TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar;
        if (outputFolder is not null && (Path.GetFullPath(outputFolder).TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar).StartsWith(full, StringComparison.Ordinal))
            return true;
        return runMarkers.Count > 0 && Directory.EnumerateFileSystemEntries(folder, "*", new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true, AttributesToSkip = 0 })
            .Any(entry => runMarkers.Contains(Path.GetFileName(entry)));
    }

    /// <summary>
    /// The most pixels an image may declare: larger ones are refused from their header, before any decoding, so a small
    /// file declaring 50000 x 50000 pixels (a decompression bomb) cannot exhaust memory. 100 megapixels.
    /// </summary>
    public const long MaxPixels = 100_000_000;

    // Why a file cannot be used (or null), and what to know about one that is used. The header is read first (empty
    // files, non-images, bombs); then the pixels are decoded at the smallest scale the codec offers (a JPEG at 1/8 is
    // cheap), so truncated or damaged data is found now rather than in the middle of training.
    static (string? Reason, string? Warning) Check(string file, long length, bool exifOrientationApplied)
    {
        if (length == 0) return ("empty file", null);
        using var codec = SKCodec.Create(file, out var result);
        if (codec is null) return ($"not a decodable image ({result})", null);
        var (width, height) = (codec.Info.Width, codec.Info.Height);
        if (width < 1 || height < 1) return ("image has no pixels", null);
        if ((long)width * height > MaxPixels) return ($"{width} x {height} pixels is over the limit of {MaxPixels:N0}; refused before decoding", null);
        var size = codec.GetScaledDimensions(1 / 8f);
        var info = new SKImageInfo(size.Width, size.Height, SKColorType.Rgba8888, SKAlphaType.Premul);
        using var bitmap = new SKBitmap(info);
        var decoded = codec.GetPixels(info, bitmap.GetPixels());
        if (decoded != SKCodecResult.Success) return ($"damaged image data ({decoded})", null);
        // ML.NET's image loader, which the saved model uses too, ignores EXIF orientation: say so rather than let it pass.
        return (null, codec.EncodedOrigin == SKEncodedOrigin.TopLeft || exifOrientationApplied ? null
            : $"EXIF orientation {codec.EncodedOrigin} is not applied (ML.NET's image loader reads the stored pixels): the model sees this photo as stored; set dataset.exifOrientation to \"apply\" or save it upright to change that");
    }
}
