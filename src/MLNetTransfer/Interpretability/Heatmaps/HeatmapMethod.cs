using MLNetTransfer.Training;
using static TorchSharp.torch;

namespace MLNetTransfer.Interpretability.Heatmaps;

/// <summary>
/// A way to draw where a network looked for a class: a heat-map per image, [H, W] in [0, 1] at the image's size. The
/// CAM methods weigh a layer's channels; the pixel attributions follow the gradient down to the input. The base class
/// owns what every method shares: the explained classes, normalisation and smoothing over views.
/// </summary>
public abstract class HeatmapMethod
{
    /// <summary>Guards the normalisation of an all-zero map.</summary>
    const double Epsilon = 1e-8;

    bool augmentationSmooth;

    /// <summary>The method's name in configs and on the command line.</summary>
    public abstract string Name { get; }

    /// <summary>Whether the method back-propagates (Score-CAM, Eigen-CAM and Ablation-CAM only run forward passes).</summary>
    public virtual bool UsesGradients => true;

    /// <summary>Whether the map depends on the explained layer; a pixel attribution's does not.</summary>
    public virtual bool UsesLayer => true;

    /// <summary>
    /// Each map is averaged over the image, its mirror and their centre zooms (<see cref="SmoothingViews"/>), each view's
    /// map put back in the image's place first (pytorch-grad-cam's <c>aug_smooth</c>, with zooms for its brightness
    /// changes): fewer edge artefacts, at four times the cost. Default: false.
    /// </summary>
    public bool AugmentationSmooth { get => augmentationSmooth; init => augmentationSmooth = value; }

    /// <summary>The name with the smoothing it uses, as explanation folders and quality figures name it: <c>grad-cam+eigen-smooth</c>.</summary>
    public string FullName => Name + (EigenSmoothed ? "+eigen-smooth" : "") + (AugmentationSmooth ? "+aug-smooth" : "");

    /// <summary>Whether the map is a principal component where the plain method's is not (CAM's eigen smoothing).</summary>
    protected virtual bool EigenSmoothed => false;

    /// <summary>This method with the given smoothing; the same method where it asks for none.</summary>
    /// <exception cref="ArgumentException">Eigen smoothing asked of a method that has no channels to project.</exception>
    internal HeatmapMethod Smoothed(bool eigenSmooth, bool augmentationSmooth)
    {
        if (!eigenSmooth && !augmentationSmooth) return this;
        var copy = (HeatmapMethod)MemberwiseClone();
        copy.augmentationSmooth = augmentationSmooth;
        copy.SetEigenSmooth(eigenSmooth);
        return copy;
    }

    /// <summary>Sets eigen smoothing on a fresh copy; only a method with weighted channels has it.</summary>
    private protected virtual void SetEigenSmooth(bool value)
    {
        if (value) throw new ArgumentException($"{Name} has no channels to take a principal component of: eigen smoothing is for the CAM methods", "eigenSmooth");
    }

    /// <summary>
    /// Heat-maps [N, H, W] in [0, 1] at the images' size, for the layer named <paramref name="layer"/> (an ONNX tensor of
    /// the backbone) and the class <paramref name="targetClass"/> (the predicted one where null), with the explained class
    /// of each image.
    /// </summary>
    public (Tensor Heatmaps, long[] Classes) Compute(TransferNetwork network, Tensor images, string layer, int? targetClass = null) =>
        Compute(network, images, layer, targetClass is { } c ? Enumerable.Repeat((long)c, (int)images.shape[0]).ToArray() : null);

    /// <summary>As above, with one explained class per image (the predicted ones where null).</summary>
    public (Tensor Heatmaps, long[] Classes) Compute(TransferNetwork network, Tensor images, string layer, long[]? classes)
    {
        using var scope = NewDisposeScope();
        network.eval();
        Tensor maps;
        (maps, classes) = OneView(network, images, layer, classes);
        if (AugmentationSmooth)
        {
            // The explained class is the image's own in every view; each view's map goes back to the image's place.
            var (height, width) = (images.shape[2], images.shape[3]);
            var (sum, coverage) = (maps.clone(), ones_like(maps));
            foreach (var (flip, zoom) in SmoothingViews.Skip(1))
            {
                var (placed, covered) = Unview(OneView(network, View(images, flip, zoom), layer, classes).Maps, flip, zoom, height, width);
                sum += placed;
                coverage += covered;
            }
            maps = Normalised(sum / coverage);
        }
        // A method that divides by a score (Ablation-CAM by the logit) must not hand NaN to the quality figures and report.json.
        maps = maps.nan_to_num(0, 0, 0);
        return (maps.MoveToOuterDisposeScope(), classes);
    }

    /// <summary>
    /// The maps [N, H, W] in [0, 1] of one view of the images, for the given classes or, where null, the predicted ones
    /// (read off the method's own forward pass, so that they cost nothing more), with the classes explained.
    /// </summary>
    protected abstract (Tensor Maps, long[] Classes) OneView(TransferNetwork network, Tensor images, string layer, long[]? classes);

    /// <summary>Each map [N, h, w] divided by its maximum.</summary>
    protected static Tensor Normalised(Tensor maps) => maps / (maps.amax([1, 2], keepdim: true) + Epsilon);

    /// <summary>The zoom of the zoomed views of <see cref="AugmentationSmooth"/>: each shows the central 1/1.25 of the image.</summary>
    public const double SmoothingZoom = 1.25;

    /// <summary>The views <see cref="AugmentationSmooth"/> averages: mirrored or not, zoomed or not; the first is the image.</summary>
    public static IReadOnlyList<(bool Mirror, double Zoom)> SmoothingViews { get; } = [(false, 1), (true, 1), (false, SmoothingZoom), (true, SmoothingZoom)];

    // The central 1/zoom of an image of the given size: where a zoomed view's pixels come from.
    static (long Top, long Left, long Height, long Width) Crop(long height, long width, double zoom)
    {
        var (cropHeight, cropWidth) = ((long)Math.Round(height / zoom), (long)Math.Round(width / zoom));
        return ((height - cropHeight) / 2, (width - cropWidth) / 2, cropHeight, cropWidth);
    }

    // A smoothing view of the images: the central 1/zoom of each, scaled back to full size, mirrored where asked.
    static Tensor View(Tensor images, bool mirror, double zoom)
    {
        var (height, width) = (images.shape[2], images.shape[3]);
        var (top, left, cropHeight, cropWidth) = Crop(height, width, zoom);
        var view = zoom == 1 ? images
            : nn.functional.interpolate(images.narrow(2, top, cropHeight).narrow(3, left, cropWidth),
                [height, width], mode: InterpolationMode.Bilinear, align_corners: false);
        return mirror ? view.flip(3) : view;
    }

    // A view's maps back in the image's place, with where they cover it (a zoomed view sees only the centre).
    static (Tensor Placed, Tensor Covered) Unview(Tensor maps, bool mirror, double zoom, long height, long width)
    {
        if (mirror) maps = maps.flip(2);
        if (zoom == 1) return (maps, ones_like(maps));
        var (top, left, cropHeight, cropWidth) = Crop(height, width, zoom);
        var shrunk = nn.functional.interpolate(maps.unsqueeze(1), [cropHeight, cropWidth], mode: InterpolationMode.Bilinear, align_corners: false).squeeze(1);
        var placed = zeros_like(maps);
        var covered = zeros_like(maps);
        var rows = TensorIndex.Slice(top, top + cropHeight);
        var columns = TensorIndex.Slice(left, left + cropWidth);
        placed[TensorIndex.Colon, rows, columns] = shrunk;
        covered[TensorIndex.Colon, rows, columns] = tensor(1f);
        return (placed, covered);
    }
}
