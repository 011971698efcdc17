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
