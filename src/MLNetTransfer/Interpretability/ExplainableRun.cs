using Microsoft.ML;
using Microsoft.ML.Data;
using MLNetTransfer.Backbones;
using MLNetTransfer.Backbones.Export;
using MLNetTransfer.Backbones.Import;
using MLNetTransfer.Core;
using MLNetTransfer.Interpretability.Cam;
using MLNetTransfer.Interpretability.Heatmaps;
using MLNetTransfer.Pipelines;
using MLNetTransfer.Training;
using static TorchSharp.torch;

namespace MLNetTransfer.Interpretability;

/// <summary>
/// A trained model made differentiable for explanation: its network as a <see cref="TransferNetwork"/> (a
/// feature-extraction model's backbone with its ML.NET head rebuilt; a trained network.onnx with its logits) and
/// the ML.NET pixel preparation the model itself uses, so the explained input is exactly what the model saw. A network
/// that averages each image with flipped copies is explained the same way: every view, each view's map flipped back.
/// </summary>
public sealed class ExplainableRun : IDisposable
{
    readonly MLContext ml;
    readonly Backbone backbone;
    readonly OnnxGraphModule? preprocessor;

    /// <param name="ml">The context the model's pixel chain is built in.</param>
    /// <param name="backbone">The backbone whose pixel preparation and preprocessing graph the network's inputs go through.</param>
    /// <param name="network">The network up to its logits, for one view; the explainable run owns it from here on.</param>
    /// <param name="classes">The classes, in the order of the logits.</param>
    /// <param name="flips">The flipped views the model averages each image over.</param>
    public ExplainableRun(MLContext ml, Backbone backbone, TransferNetwork network, IReadOnlyList<string> classes, TestTimeAugmentation flips)
    {
        this.ml = ml;
        this.backbone = backbone;
        preprocessor = backbone.Preprocessor is { } stage ? OnnxGraphModule.Load(stage.Path, stage.InputName, stage.OutputName) : null;
        preprocessor?.eval();
        network.eval();
        // Explaining never trains: gradients are only wanted for inputs and activations.
        foreach (var parameter in network.parameters().Concat(preprocessor?.parameters() ?? [])) parameter.requires_grad = false;
        Network = network;
        Classes = classes;
        Flips = flips;
        views = flips.Views();
    }

    readonly IReadOnlyList<long[]> views;

    /// <summary>The network one view goes through; <see cref="Probabilities"/> is the model's own prediction.</summary>
    public TransferNetwork Network { get; }
    public IReadOnlyList<string> Classes { get; }
    public int Width => backbone.Width;
    public int Height => backbone.Height;

    /// <summary>The order of the colour planes the network reads.</summary>
    public ChannelOrder ChannelOrder => backbone.ChannelOrder;

    /// <summary>The flipped copies the model averages each image's prediction with (testTimeAugmentation).</summary>
    public TestTimeAugmentation Flips { get; }

    /// <summary>The layer explained by default: the last convolutional block's output.</summary>
    public string DefaultLayer => ExplainedLayer.Default(Network.Backbone);

    /// <summary>The network inputs [N, C, H, W] and the RGB pixels (0-255, planar) of the images, as the model prepares them.</summary>
    public (Tensor Inputs, float[][] Rgb) Prepare(IReadOnlyList<string> images)
    {
        // Decode once with the model's own ML.NET resize and crop; its preprocessing graph then runs in TorchSharp.
        var rgb = Extract(images).Select(backbone.Rgb).ToArray();
        using var _ = no_grad();
        return (Inputs(tensor(rgb.SelectMany(p => p).ToArray(), [images.Count, 3, Height, Width])), rgb);
    }

    /// <summary>
    /// The network inputs for RGB images [N, 3, H, W] (0-255) at the model's size: channel order, scale and the
    /// preprocessing graph, differentiable, so filter ascent can work on viewable pixels.
    /// </summary>
    public Tensor Inputs(Tensor rgb)
    {
        var pixels = (backbone.ChannelOrder == ChannelOrder.Bgr ? rgb.flip(1) : rgb) * backbone.Scale;
        return preprocessor?.forward(pixels) ?? pixels;
    }

    /// <summary>An object mask (white on the object) resized and cropped as the model's images are: [H, W] in [0, 1].</summary>
    public Tensor Mask(string file) => tensor(backbone.Rgb(Extract([file])[0])[..(Width * Height)], [Height, Width]) / 255f;

    float[][] Extract(IReadOnlyList<string> images)
    {
        var data = ml.Data.LoadFromEnumerable(images.Select(i => new ImageInput { ImagePath = i }));
        return ml.Transforms.ExtractBackbonePixels(backbone, "Pixels").Fit(data).Transform(data).GetColumn<float[]>("Pixels").ToArray();
    }

    /// <summary>The model's class probabilities [N, classes] for prepared inputs, averaged over its views.</summary>
    public Tensor Probabilities(Tensor inputs)
    {
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        var sum = views.Select(view => nn.functional.softmax(Network.forward(Flipped(inputs, view)), 1)).Aggregate((a, b) => a + b);
        return (sum / views.Count).MoveToOuterDisposeScope();
    }

    static Tensor Flipped(Tensor batch, long[] dimensions) => dimensions.Length == 0 ? batch : batch.flip(dimensions);

    /// <summary>
    /// Heat-maps [N, H, W] in [0, 1] of <paramref name="method"/> at <paramref name="layer"/> for prepared
    /// <paramref name="inputs"/>, with the explained classes: <paramref name="targetClass"/>, or the model's prediction.
    /// </summary>
    public (Tensor Heatmaps, long[] Classes) Explain(HeatmapMethod method, Tensor inputs, string layer, int? targetClass = null)
    {
        if (views.Count == 1) return method.Compute(Network, inputs, layer, targetClass);
        using var scope = NewDisposeScope();
        var n = inputs.shape[0];
        var classes = targetClass is { } c ? Enumerable.Repeat((long)c, (int)n).ToArray() : Probabilities(inputs).argmax(1).data<long>().ToArray();
        var (maps, _) = method.Compute(Network, cat(views.Select(view => Flipped(inputs, view)).ToArray(), 0), layer,
            views.SelectMany(_ => classes).ToArray());
        // A map is [N, H, W]: the input's dimension d is the map's d - 1.
        var averaged = views.Select((view, v) => Flipped(maps.narrow(0, v * n, n), view.Select(d => d - 1).ToArray())).Aggregate((a, b) => a + b) / views.Count;
        averaged = averaged / averaged.amax([1, 2], keepdim: true).clamp_min(1e-8);
        return (averaged.MoveToOuterDisposeScope(), classes);
    }

    public void Dispose()
    {
        Network.Dispose();
        preprocessor?.Dispose();
    }
}
