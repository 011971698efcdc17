using Microsoft.ML;
using Microsoft.ML.Data;
using MLNetTransfer.Backbones;
using MLNetTransfer.Backbones.Export;
using MLNetTransfer.Backbones.Import;
using MLNetTransfer.Core;
using MLNetTransfer.Experiments;
using MLNetTransfer.Pipelines;
using MLNetTransfer.Training;
using static TorchSharp.torch;

namespace MLNetTransfer.Interpretability;

/// <summary>
/// A finished run made differentiable for explanation: its network as a <see cref="TransferNetwork"/> (a
/// feature-extraction run's ResNet18 with its ML.NET head rebuilt; a trained run's network.onnx with its logits) and
/// the ML.NET pixel preparation the model itself uses, so the explained input is exactly what the model saw.
/// </summary>
public sealed class ExplainableRun : IDisposable
{
    readonly MLContext ml;
    readonly Backbone backbone;
    readonly OnnxGraphModule preprocessor;

    ExplainableRun(MLContext ml, Backbone backbone, TransferNetwork network, IReadOnlyList<string> classes)
    {
        this.ml = ml;
        this.backbone = backbone;
        preprocessor = OnnxGraphModule.Load(backbone.Preprocessor!.Path);
        Network = network;
        Classes = classes;
    }

    public TransferNetwork Network { get; }
    public IReadOnlyList<string> Classes { get; }
    public int Width => backbone.Width;
    public int Height => backbone.Height;

    /// <exception cref="DataException">A run whose network cannot be explained yet (see the message).</exception>
    public static ExplainableRun Open(TrainedRun run)
    {
        TorchRuntime.EnsureStarted();
        if (run.Record.Backbone != "resnet18")
            throw new DataException($"{run.Folder.Path}: explaining runs on backbone '{run.Record.Backbone}' is not supported yet; resnet18 runs are");
        var bundled = BundledBackbones.ResNet18();
        var backbone = bundled with
        {
            Model = bundled.Model with { Path = run.Folder.File(Path.GetFileName(bundled.Model.Path)) },
            Preprocessor = bundled.Preprocessor! with { Path = run.Folder.File(Path.GetFileName(bundled.Preprocessor!.Path)) },
        };
        if (run.Record.Mode == TrainingMode.FeatureExtraction)
        {
            ClassifierHead head;
            try
            {
                head = LinearHeadReader.Read(run.Model);
            }
            catch (NotSupportedException e)
            {
                throw new DataException($"{run.Folder.Path}: {e.Message}", e);
            }
            return new ExplainableRun(run.Ml, backbone, new TransferNetwork(OnnxGraphModule.Load(backbone.Model.Path), head), run.Classes);
        }

        var path = run.Folder.File(TransferLearningTrainer.NetworkFileName);
        var graph = OnnxGraphModule.Load(path, backbone.Model.InputName, NetworkExport.LogitsName);
        if (graph.Layers.Any(l => l.Name.StartsWith("tta_", StringComparison.Ordinal)))
            throw new DataException($"{run.Folder.Path}: its network averages each image with its mirror (testTimeAugmentation); explaining such networks is not supported yet");
        // The exported graph already ends in the logits: an identity layer stands in for the head.
        var identity = new ClassifierHead(run.Classes.Count, [], run.Classes.Count, 0);
        using (no_grad())
        {
            identity.DenseLayers[0].weight!.copy_(eye(run.Classes.Count));
            identity.DenseLayers[0].bias!.zero_();
        }
        return new ExplainableRun(run.Ml, backbone, new TransferNetwork(graph, identity), run.Classes);
    }

    /// <summary>The network inputs [N, 3, H, W] and the RGB pixels (0-255, planar) of the images, as the model prepares them.</summary>
    public (Tensor Inputs, float[][] Rgb) Prepare(IReadOnlyList<string> images)
    {
        // Decode once with the model's own ML.NET resize and crop; its preprocessing graph then runs in TorchSharp.
        var data = ml.Data.LoadFromEnumerable(images.Select(i => new ImageInput { ImagePath = i }));
        var rgb = ml.Transforms.ExtractBackbonePixels(backbone, "Pixels").Fit(data).Transform(data).GetColumn<float[]>("Pixels").ToArray();
        using var _ = no_grad();
        var inputs = preprocessor.forward(tensor(rgb.SelectMany(p => p).ToArray(), [images.Count, 3, Height, Width]));
        return (inputs, rgb);
    }

    public void Dispose()
    {
        Network.Dispose();
        preprocessor.Dispose();
    }
}
