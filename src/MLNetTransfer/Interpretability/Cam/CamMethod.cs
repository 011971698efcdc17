using MLNetTransfer.Interpretability.Heatmaps;
using MLNetTransfer.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace MLNetTransfer.Interpretability.Cam;

/// <summary>
/// A class activation map method. The base class owns what all of them share: capturing a layer's activations and the
/// gradient of the class score with respect to them, the sum over channels (or their first principal component),
/// ReLU and upsampling. Each method supplies only what each channel contributes at each place. The class score is the
/// logit (before softmax), as keras.io advises.
/// </summary>
public abstract class CamMethod : HeatmapMethod
{
    bool eigenSmooth;

    /// <summary>
    /// The map is the first principal component of the weighted activations instead of their sum over channels
    /// (pytorch-grad-cam's <c>eigen_smooth</c>): the one pattern that most channels share, with less noise. Default: false.
    /// </summary>
    public bool EigenSmooth { get => eigenSmooth; init => eigenSmooth = value; }

    /// <summary>
    /// The maps stay at the explained layer's resolution (7 x 7 for ResNet18's last stage) instead of being upsampled to
    /// the image's: what the saved model's Heatmap column holds. Not with <see cref="HeatmapMethod.AugmentationSmooth"/>,
    /// whose zoomed views are placed at the image's size. Default: false.
    /// </summary>
    public bool AtLayerSize { get; init; }

    protected sealed override bool EigenSmoothed => EigenSmooth && !AlwaysProjects;

    private protected sealed override void SetEigenSmooth(bool value) => eigenSmooth = value;

    /// <summary>Whether the map is always the principal component, whatever <see cref="EigenSmooth"/> says (Eigen-CAM).</summary>
    protected virtual bool AlwaysProjects => false;

    bool Projects => AlwaysProjects || EigenSmooth;

    /// <summary>What each channel adds to the map at each place, [N, K, h, w], from what <paramref name="context"/> holds.</summary>
    protected abstract Tensor WeightedActivations(CamContext context);

    protected sealed override (Tensor Maps, long[] Classes) OneView(TransferNetwork network, Tensor images, string layer, long[]? classes)
    {
        using var scope = NewDisposeScope();
        (Tensor activations, Tensor? gradients, classes) = UsesGradients ? Capture(network, images, layer, classes) : Forward(network, images, layer, classes);
        using var _ = no_grad();
        var weighted = WeightedActivations(new CamContext(network, images, layer, activations, gradients, classes));
        var map = Normalised(nn.functional.relu(Projects ? FirstComponent(weighted) : weighted.sum(1)));
        if (AtLayerSize) return (map.MoveToOuterDisposeScope(), classes);
        var size = new long[] { images.shape[2], images.shape[3] };
        var upsampled = nn.functional.interpolate(map.unsqueeze(1), size, mode: InterpolationMode.Bilinear, align_corners: false).squeeze(1);
        return (upsampled.MoveToOuterDisposeScope(), classes);
    }

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
}
