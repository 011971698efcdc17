using Google.Protobuf;
using Microsoft.ML;
using Microsoft.ML.Transforms.Onnx;
using MLNetTransfer.Backbones;
using MLNetTransfer.Backbones.Export;
using MLNetTransfer.Backbones.Import;
using MLNetTransfer.Core;
using Onnx;
using static TorchSharp.torch;

namespace MLNetTransfer.Pipelines;

/// <summary>
/// The Heatmap column of a feature-extraction model.zip: a copy of the backbone that also outputs the explained layer,
/// and a small generated graph that holds the ML.NET head's weights and computes Grad-CAM from that layer and the
/// head's Score (for a linear head it is CAM: the predicted class's weights over the channels). Both files are needed
/// only until the model is saved, which holds their bytes: disposing deletes them.
/// </summary>
public sealed class FeatureExtractionHeatmap : IDisposable
{
    /// <summary>The generated graph's file name.</summary>
    public const string FileName = "heatmap.onnx";

    readonly string heatmapPath;

    FeatureExtractionHeatmap(Backbone backbone, string heatmapPath, HeatmapLayer layer)
    {
        Backbone = backbone;
        this.heatmapPath = heatmapPath;
        Layer = layer;
    }

    /// <summary>The backbone whose network also outputs <see cref="Layer"/>: the featurizer of a model with the column.</summary>
    public Backbone Backbone { get; }

    /// <summary>The explained layer.</summary>
    public HeatmapLayer Layer { get; }

    /// <summary>Writes the two graphs into <paramref name="folder"/>, for the backbone's explained layer (<see cref="ExplainedLayer.Default"/>).</summary>
    /// <param name="backbone">The run's backbone.</param>
    /// <param name="weights">The linear head's weights, [classes, features] row by row; the features are the layer's channels pooled.</param>
    /// <param name="folder">Where the files go until the model is saved.</param>
    /// <exception cref="DataException">More than pooling and reshaping follows the layer (the message names the node).</exception>
    public static FeatureExtractionHeatmap Write(Backbone backbone, float[] weights, string folder)
    {
        TorchRuntime.EnsureStarted();
        var stage = backbone.Model;
        var model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(stage.Path));
        HeatmapLayer layer;
        using (var graph = OnnxGraphModule.Load(model, stage.InputName, stage.OutputName))
        using (var input = zeros([.. OnnxModelInfo.Of(model).Inputs.Single(i => i.Name == stage.InputName).Shape.Select(d => d ?? 1)]))
            layer = HeatmapLayer.Find(graph, model.Graph, input);

        var classes = weights.Length / layer.Channels;
        model.Graph.Output.Add(OnnxGraphBuilder.Tensor(layer.Name, [1, layer.Channels, layer.Height, layer.Width]));
        var featurizer = Path.Combine(folder, "featurizer-" + Path.GetFileName(backbone.Model.Path));
        File.WriteAllBytes(featurizer, model.ToByteArray());

        const string weight = "head.weight";
        var heatmap = new OnnxGraphBuilder("heatmap")
            .Input(layer.Name, 1, layer.Channels, layer.Height, layer.Width)
            .Input(ScoreColumn, 1, classes)
            .Constant(weight, [classes, layer.Channels], weights)
            .Output(HeatmapOutput.Name, 1, layer.Height, layer.Width);
        HeatmapOutput.Append(heatmap.Graph, heatmap.Opset, layer, [(weight, "")], ScoreColumn, TestTimeAugmentation.None);
        var heatmapPath = Path.Combine(folder, FileName);
        heatmap.Save(heatmapPath);
        return new FeatureExtractionHeatmap(backbone with { Model = backbone.Model with { Path = featurizer } }, heatmapPath, layer);
    }

    // The column ML.NET's multiclass trainers write their class probabilities to.
    const string ScoreColumn = "Score";

    /// <summary>Image path to Features and the layer's column: the featurizer of a model with the Heatmap column.</summary>
    public IEstimator<ITransformer> Featurizer(TransformsCatalog catalog) =>
        catalog.ExtractBackboneOutputs(Backbone, [Layer.Name]);

    /// <summary>The step after the head: the layer's column and Score to <see cref="HeatmapOutput.Name"/>.</summary>
    public IEstimator<ITransformer> Column(TransformsCatalog catalog) => catalog.ApplyOnnxModel(new OnnxOptions
    {
        ModelFile = heatmapPath,
        InputColumns = [Layer.Name, ScoreColumn],
        OutputColumns = [HeatmapOutput.Name],
        IntraOpNumThreads = BackboneCatalog.OnnxThreads(network: false),
    });

    public void Dispose()
    {
        foreach (var file in new[] { Backbone.Model.Path, heatmapPath })
            try { File.Delete(file); }
            catch (IOException) { /* a model still open keeps its file; the run folder holds it then */ }
    }
}
