using MLNetTransfer.Interpretability.Heatmaps;
using MLNetTransfer.Training;
using static TorchSharp.torch;

namespace MLNetTransfer.Interpretability.Attributions;

/// <summary>
/// A pixel attribution: how much each input pixel moves the class logit, from gradients with respect to the network's
/// input, so the map has the input's resolution and no layer. Such maps are sparse and dominated by a few pixels, so a
/// map is scaled by its 99th percentile and clipped at 1 (as saliency toolkits draw them) instead of by its maximum.
/// </summary>
public abstract class PixelAttribution : HeatmapMethod
{
    /// <summary>Guards the scaling of an all-zero map.</summary>
    const double Epsilon = 1e-8;

    /// <summary>The percentile of a map's values drawn at full heat.</summary>
    public const double ClipPercentile = 0.99;

    public sealed override bool UsesLayer => false;

    /// <summary>
    /// The attributions [N, C, H, W] of each image's pixels to the logit of its class in <paramref name="classes"/>, in the
    /// network's input space (after the backbone's preprocessing).
    /// </summary>
    public abstract Tensor Attributions(TransferNetwork network, Tensor images, long[] classes);

    /// <summary>One image's map from its attributions [N, C, H, W]: by default the largest absolute value over the channels.</summary>
    protected virtual Tensor Reduce(Tensor attributions) => attributions.abs().amax([1]);

    /// <summary>
    /// The attributions, as <see cref="Attributions"/>, with the classes explained: <paramref name="classes"/>, or where
    /// null each image's predicted class, found here by a forward pass of its own.
    /// </summary>
    protected virtual (Tensor Attributions, long[] Classes) Explain(TransferNetwork network, Tensor images, long[]? classes)
    {
        classes ??= Predicted(network, images);
        return (Attributions(network, images, classes), classes);
    }

    protected sealed override (Tensor Maps, long[] Classes) OneView(TransferNetwork network, Tensor images, string layer, long[]? classes)
    {
        using var scope = NewDisposeScope();
        var (attributions, explained) = Explain(network, images, classes);
        using var _ = no_grad();
        return (Clipped(Reduce(attributions)).MoveToOuterDisposeScope(), explained);
    }

    /// <summary>Each map [N, H, W] divided by its <see cref="ClipPercentile"/> percentile and clipped to [0, 1].</summary>
    public static Tensor Clipped(Tensor maps)
    {
        var flat = maps.flatten(1);
        var index = (long)Math.Floor(ClipPercentile * (flat.shape[1] - 1));
        var scale = flat.sort(1).Values[.., index].reshape(-1, 1, 1);
        return (maps / (scale + Epsilon)).clamp(0, 1);
    }

    static long[] Predicted(TransferNetwork network, Tensor images)
    {
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        return network.forward(images).argmax(1).data<long>().ToArray();
    }

    /// <summary>The gradient [N, C, H, W] of each image's class logit with respect to the input, from one forward and one backward pass.</summary>
    public static Tensor InputGradients(TransferNetwork network, Tensor inputs, long[] classes) => InputGradients(network, inputs, classes, out _);

    /// <summary>
    /// The gradient [N, C, H, W] of each image's logit of its class in <paramref name="classes"/>, or where null of its
    /// predicted class, read from the same forward pass; <paramref name="explained"/> is the classes used.
    /// </summary>
    public static Tensor InputGradients(TransferNetwork network, Tensor inputs, long[]? classes, out long[] explained)
    {
        network.eval();
        using var scope = NewDisposeScope();
        using var __ = enable_grad();
        var input = inputs.detach().requires_grad_(true);
        var logits = network.forward(input);
        explained = classes ?? logits.detach().argmax(1).data<long>().ToArray();
        // Images do not interact in inference mode, so the sum's gradient is each image's own.
        logits.gather(1, tensor(explained).unsqueeze(1)).sum().backward();
        return input.grad!.detach().MoveToOuterDisposeScope();
    }
}
