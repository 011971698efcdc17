using MLNetTransfer.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace MLNetTransfer.Interpretability.Cam;

/// <summary>
/// A class activation map method. The base class owns what all of them share: capturing a layer's activations and the
/// gradient of the class score with respect to them, the weighted sum of channels, ReLU, normalisation and upsampling.
/// Each method supplies only its channel weights. The class score is the logit (before softmax), as keras.io advises.
/// </summary>
public abstract class CamMethod
{
    /// <summary>Guards the normalisation of an all-zero map.</summary>
    const double Epsilon = 1e-8;

    /// <summary>The method's name in configs and on the command line.</summary>
    public abstract string Name { get; }

    /// <summary>Whether <see cref="ChannelWeights"/> needs the gradients (Score-CAM does not: it only runs forward passes).</summary>
    public virtual bool UsesGradients => true;

    /// <summary>One weight per image and channel, [N, K], from what <paramref name="context"/> holds.</summary>
    protected abstract Tensor ChannelWeights(CamContext context);

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
        (Tensor activations, Tensor? gradients, classes) = UsesGradients ? Capture(network, images, layer, classes) : Forward(network, images, layer, classes);
        using var _ = no_grad();
        var weights = ChannelWeights(new CamContext(network, images, activations, gradients, classes));
        var map = nn.functional.relu((weights.unsqueeze(-1).unsqueeze(-1) * activations).sum(1));
        map = map / (map.amax([1, 2], keepdim: true) + Epsilon);
        var size = new long[] { images.shape[2], images.shape[3] };
        var upsampled = nn.functional.interpolate(map.unsqueeze(1), size, mode: InterpolationMode.Bilinear, align_corners: false).squeeze(1);
        return (upsampled.MoveToOuterDisposeScope(), classes);
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
