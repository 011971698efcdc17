using MLNetTransfer.Core;
using MLNetTransfer.Data;
using SkiaSharp;

namespace MLNetTransfer.Interpretability.Metrics;

/// <summary>
/// Finds where the object is in a dataset's images, for localisation figures: a mask beside the class folders
/// (<c>&lt;root&gt;/masks/&lt;image name&gt;.png</c>, the oxford-pets layout) or a box in <c>&lt;root&gt;/boxes.csv</c>
/// (the synthetic set's), drawn as a mask into <paramref name="scratch"/>.
/// </summary>
/// <param name="scratch">A folder for masks drawn from boxes.</param>
public sealed class ObjectMasks(string scratch)
{
    readonly Dictionary<string, IReadOnlyDictionary<string, SKRectI>?> boxes = [];

    /// <summary>
    /// Masks given as a folder of their own: any image file there with the image's own name. Images without one are
    /// not measured.
    /// </summary>
    public static Func<string, string?> InFolder(string folder)
    {
        var masks = ImageFolder.FilesIn([folder]).GroupBy(f => Path.GetFileNameWithoutExtension(f)).ToDictionary(g => g.Key, g => g.First());
        return image => masks.GetValueOrDefault(Path.GetFileNameWithoutExtension(image));
    }

    /// <summary>
    /// Checks that each image's mask fits it, from the files' headers: a mask of another aspect ratio would be stretched
    /// onto the wrong pixels, so it is refused; one of the same shape at another size is rescaled, with a warning.
    /// </summary>
    /// <returns>A warning for each rescaled mask.</returns>
    /// <exception cref="DataException">Masks of another aspect ratio, each named with both sizes.</exception>
    public static IReadOnlyList<FileWarning> CheckSizes(IEnumerable<string> images, Func<string, string?> maskOf)
    {
        var (warnings, refused) = Fit(images, maskOf);
        if (refused.Count > 0)
            throw new DataException($"{refused.Count} mask(s) differ from their image's size and shape, so they cannot be placed on it: {string.Join("; ", refused.Select(r => $"{r.Path}: {r.Reason}"))}");
        return warnings;
    }

    /// <summary>
    /// <see cref="CheckSizes"/> without refusing: the masks of another aspect ratio are returned, with both sizes, for a
    /// caller that leaves them out and goes on (the report).
    /// </summary>
    public static (IReadOnlyList<FileWarning> Rescaled, IReadOnlyList<SkippedFile> Refused) Fit(IEnumerable<string> images, Func<string, string?> maskOf)
    {
        var warnings = new List<FileWarning>();
        var refused = new List<SkippedFile>();
        foreach (var image in images)
        {
            if (maskOf(image) is not { } mask || Size(image) is not { } picture || Size(mask) is not { } drawn || drawn == picture) continue;
            // Within one pixel of rounding at the mask's size.
            var sameShape = Math.Abs((double)drawn.Width / drawn.Height - (double)picture.Width / picture.Height)
                            <= 1.0 / Math.Min(drawn.Width, drawn.Height);
            var sizes = $"{drawn.Width} x {drawn.Height} for an image of {picture.Width} x {picture.Height} ({image})";
            if (sameShape) warnings.Add(new FileWarning(mask, $"mask of {sizes}: same shape, rescaled"));
            else refused.Add(new SkippedFile(mask, $"mask of {sizes}: another shape"));
        }
        return (warnings, refused);
    }

    static SKSizeI? Size(string file)
    {
        using var codec = SKCodec.Create(file);
        return codec is null ? null : new SKSizeI(codec.Info.Width, codec.Info.Height);
    }

    /// <summary>The mask file of <paramref name="image"/> (a file in a class folder), or null where none is known.</summary>
    public string? Of(string image)
    {
        var root = Path.GetDirectoryName(Path.GetDirectoryName(Path.GetFullPath(image)))!;
        var mask = Path.Combine(root, "masks", Path.GetFileNameWithoutExtension(image) + ".png");
        if (File.Exists(mask)) return mask;
        if (!boxes.TryGetValue(root, out var known))
            boxes[root] = known = File.Exists(Path.Combine(root, SyntheticPets.BoxesFile)) ? SyntheticPets.ReadBoxes(root) : null;
        if (known is null || !known.TryGetValue(Path.GetRelativePath(root, image).Replace('\\', '/'), out var box)) return null;

        using var codec = SKCodec.Create(image);
        if (codec is null) return null;
        using var bitmap = new SKBitmap(codec.Info.Width, codec.Info.Height);
        bitmap.Erase(SKColors.Black);
        using (var canvas = new SKCanvas(bitmap))
        using (var white = new SKPaint { Color = SKColors.White })
            canvas.DrawRect(box, white);
        Directory.CreateDirectory(scratch);
        var drawn = Path.Combine(scratch, FileNames.Safe(Path.GetRelativePath(root, image)) + ".png");
        PngFile.Save(bitmap, drawn);
        return drawn;
    }
}
