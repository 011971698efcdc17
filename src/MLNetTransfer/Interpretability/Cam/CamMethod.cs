using MLNetTransfer.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace MLNetTransfer.Interpretability.Cam;

/// <summary>
/// A class activation map method. The base class owns what all of them share: capturing a layer's activations and the
/// gradient of the class score with respect to them, the sum over channels (or their first principal component),
/// ReLU, normalisation, upsampling and smoothing over views. Each method supplies only what each channel contributes
/// at each place. The class score is the logit (before softmax), as keras.io advises.
/// </summary>
public abstract class CamMethod
{
    /// <summary>Guards the normalisation of an all-zero map.</summary>
    const double Epsilon = 1e-8;

    bool eigenSmooth, augmentationSmooth;

    /// <summary>The method's name in configs and on the command line.</summary>
    public abstract string Name { get; }

    /// <summary>Whether <see cref="WeightedActivations"/> needs the gradients (Score-CAM does not: it only runs forward passes).</summary>
    public virtual bool UsesGradients => true;

    /// <summary>
    /// The map is the first principal component of the weighted activations instead of their sum over channels
    /// (pytorch-grad-cam's <c>eigen_smooth</c>): the one pattern that most channels share, with less noise. Default: false.
    /// </summary>
    public bool EigenSmooth { get => eigenSmooth; init => eigenSmooth = value; }

    /// <summary>
    /// Each map is averaged over the image, its mirror and their centre zooms (<see cref="SmoothingViews"/>), each view's
    /// map put back in the image's place first (pytorch-grad-cam's <c>aug_smooth</c>, with zooms for its brightness
    /// changes): fewer edge artefacts, at four times the cost. Default: false.
    /// </summary>
    public bool AugmentationSmooth { get => augmentationSmooth; init => augmentationSmooth = value; }

    /// <summary>The name with the smoothing it uses, as explanation folders and quality figures name it: <c>grad-cam+eigen-smooth</c>.</summary>
    public string FullName => Name + (EigenSmooth && !AlwaysProjects ? "+eigen-smooth" : "") + (AugmentationSmooth ? "+aug-smooth" : "");

    /// <summary>This method with the given smoothing; the same method where it asks for none.</summary>
    internal CamMethod Smoothed(bool eigenSmooth, bool augmentationSmooth)
    {
        if (!eigenSmooth && !augmentationSmooth) return this;
        var copy = (CamMethod)MemberwiseClone();
        copy.eigenSmooth = eigenSmooth;
        copy.augmentationSmooth = augmentationSmooth;
        return copy;
    }

    /// <summary>The zoom of the zoomed views of <see cref="AugmentationSmooth"/>: each shows the central 1/1.25 of the image.</summary>
    public const double SmoothingZoom = 1.25;

    /// <summary>Whether the map is always the principal component, whatever <see cref="EigenSmooth"/> says (Eigen-CAM).</summary>
    protected virtual bool AlwaysProjects => false;

    bool Projects => AlwaysProjects || EigenSmooth;

    /// <summary>What each channel adds to the map at each place, [N, K, h, w], from what <paramref name="context"/> holds.</summary>
    protected abstract Tensor WeightedActivations(CamContext context);

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
        Tensor maps;
        (maps, classes) = OneView(network, images, layer, classes);
        if (AugmentationSmooth)
        {
            // The explained class is the image's own in every view; each view's map goes back to the image's place.
            var (height, width) = (images.shape[2], images.shape[3]);
            var (sum, coverage) = (maps.clone(), ones_like(maps));
            foreach (var (flip, zoom) in SmoothingViews.Skip(1))
            {
                var view = View(images, flip, zoom);
                var (viewMaps, _) = OneView(network, view, layer, classes);
                var (placed, covered) = Unview(viewMaps, flip, zoom, height, width);
                sum += placed;
                coverage += covered;
            }
            maps = Normalised(sum / coverage);
        }
        return (maps.MoveToOuterDisposeScope(), classes);
    }

    /// <summary>The views <see cref="AugmentationSmooth"/> averages: mirrored or not, zoomed or not; the first is the image.</summary>
    public static IReadOnlyList<(bool Mirror, double Zoom)> SmoothingViews { get; } = [(false, 1), (true, 1), (false, SmoothingZoom), (true, SmoothingZoom)];

    (Tensor Maps, long[] Classes) OneView(TransferNetwork network, Tensor images, string layer, long[]? classes)
    {
        using var scope = NewDisposeScope();
        (Tensor activations, Tensor? gradients, classes) = UsesGradients ? Capture(network, images, layer, classes) : Forward(network, images, layer, classes);
        using var _ = no_grad();
        var weighted = WeightedActivations(new CamContext(network, images, layer, activations, gradients, classes));
        var map = Normalised(nn.functional.relu(Projects ? FirstComponent(weighted) : weighted.sum(1)));
        var size = new long[] { images.shape[2], images.shape[3] };
        var upsampled = nn.functional.interpolate(map.unsqueeze(1), size, mode: InterpolationMode.Bilinear, align_corners: false).squeeze(1);
        return (upsampled.MoveToOuterDisposeScope(), classes);
    }

    static Tensor Normalised(Tensor maps) => maps / (maps.amax([1, 2], keepdim: true) + Epsilon);

    /// <summary>
    /// The projection of each image's weighted activations (its h*w places as points with K coordinates, centred) on
    /// their first principal axis, [N, h, w]. An axis has no sign of its own: it is turned to agree with the sum over
    /// channels, so the map's hot side is where the channels add up, not chosen by the SVD.
    /// </summary>
    public static Tensor FirstComponent(Tensor weighted)
    {
        using var scope = NewDisposeScope();
        var (n, k, h, w) = (weighted.shape[0], weighted.shape[1], weighted.shape[2], weighted.shape[3]);
        var points = weighted.reshape(n, k, h * w).transpose(1, 2);
        var centred = points - points.mean([1], keepdim: true);
        var (_, _, vh) = linalg.svd(centred, fullMatrices: false);
        var projection = centred.matmul(vh[.., 0, ..].unsqueeze(-1)).squeeze(-1);
        var sum = points.sum(-1);
        var agreement = (projection * (sum - sum.mean([1], keepdim: true))).sum(1, keepdim: true);
        var sign = where(agreement < 0, -ones_like(agreement), ones_like(agreement));
        return (projection * sign).reshape(n, h, w).MoveToOuterDisposeScope();
    }

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

    /// <summary>
    /// The layer's activations [N, K, h, w] and the gradient of each image's class logit with respect to them, from one
    /// forward and one backward pass in inference mode; both detached from the graph.
    /// </summary>
    public static (Tensor Activations, Tensor? Gradients, long[] Classes) Capture(TransferNetwork network, Tensor images, string layer, long[]? targetClasses = null)
    {
        network.eval();
        using var scope = NewDisposeScope();
        var input = images.detach();
        var backbone = network.Backbone;
        var outputs = backbone.Run(new Dictionary<string, Tensor> { [backbone.InputName] = input }, [layer, backbone.OutputName], retainGradients: true);
        var activations = outputs[layer];
        var logits = network.Head.forward(outputs[backbone.OutputName]);
        var classes = targetClasses is null ? logits.argmax(1) : tensor(targetClasses);
        // Images do not interact in inference mode, so the sum's gradient is each image's own.
        logits.gather(1, classes.unsqueeze(1)).sum().backward();
        return (activations.detach().MoveToOuterDisposeScope(), activations.grad!.detach().MoveToOuterDisposeScope(), classes.data<long>().ToArray());
    }

    // Activations and the explained classes from one forward pass, without gradients.
    static (Tensor Activations, Tensor? Gradients, long[] Classes) Forward(TransferNetwork network, Tensor images, string layer, long[]? targetClasses)
    {
        network.eval();
        using var _ = no_grad();
        var backbone = network.Backbone;
        var outputs = backbone.Run(new Dictionary<string, Tensor> { [backbone.InputName] = images }, [layer, backbone.OutputName]);
        var classes = targetClasses
            ?? network.Head.forward(outputs[backbone.OutputName]).argmax(1).data<long>().ToArray();
        return (outputs[layer], null, classes);
    }

    /// <summary>
    /// The layer Grad-CAM looks at by default: the input of the backbone's final global pooling, i.e. the output of the
    /// last convolutional block (for ResNet18, the last residual stage's ReLU); in a network without one, the last
    /// convolution's output, after its activation where one follows.
    /// </summary>
    public static string DefaultLayer(Backbones.Import.OnnxGraphModule backbone)
    {
        var layers = backbone.Layers;
        var pool = layers.LastOrDefault(l => l.OpType is "GlobalAveragePool" or "AveragePool" or "GlobalMaxPool");
        // A pool reading the graph's input directly has no layer before it to show.
        if (pool is not null && pool.Inputs[0] != backbone.InputName) return pool.Inputs[0];
        var conv = layers.LastOrDefault(l => l.OpType == "Conv")?.Outputs[0]
                   ?? throw new Core.DataException("the network has no convolution whose output a heat-map could show; name the layer to explain");
        return layers.FirstOrDefault(l => Backbones.Import.OnnxOperators.Activations.Contains(l.OpType) && l.Inputs[0] == conv)?.Outputs[0] ?? conv;
    }
}
