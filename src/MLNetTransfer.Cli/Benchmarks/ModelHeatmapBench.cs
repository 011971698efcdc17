using Microsoft.ML;
using Microsoft.ML.Data;
using MLNetTransfer.Backbones;
using MLNetTransfer.Backbones.Export;
using MLNetTransfer.Experiments;
using MLNetTransfer.Pipelines;

namespace MLNetTransfer.Cli.Benchmarks;

/// <summary>
/// What the Heatmap column costs an app: a feature-extraction model.zip's chain (decode, resize, ResNet18, maximum
/// entropy head) scoring photo by photo with the column and without it, in turn.
/// </summary>
public static class ModelHeatmapBench
{
    public static Measurement Run(Backbone backbone, IReadOnlyList<string> images, double seconds)
    {
        var ml = new MLContext(1);
        // Any two classes give a head with weights; what is timed is the chain, not the answers.
        var data = ml.Data.LoadFromEnumerable(images.Select((image, i) => new Labelled { ImagePath = image, Label = i % 2 == 0 ? "a" : "b" }));
        var featurizer = ml.Transforms.ExtractBackboneFeatures(backbone).Fit(data);
        var features = ml.Data.Cache(featurizer.Transform(data));
        // Keyed apart from the head, as a run keys its labels: scoring then needs no label column.
        var keyed = ml.Transforms.Conversion.MapValueToKey("LabelKey", "Label").Fit(features).Transform(features);
        var head = ml.MulticlassClassification.Trainers.LbfgsMaximumEntropy("LabelKey", "Features").Fit(keyed);
        var plain = new TransformerChain<ITransformer>(featurizer, head);

        var folder = Directory.CreateTempSubdirectory("mlnet-transfer-heatmap-bench").FullName;
        try
        {
            using var heatmap = FeatureExtractionRun.HeatmapFor(backbone, head, folder);
            var (layerFeaturizer, column) = FeatureExtractionRun.WithColumn(ml, heatmap, [head]);
            var withColumn = new TransformerChain<ITransformer>(layerFeaturizer, head, column);

            var (times, memory) = Timing.Interleaved(
                [() => FeatureExtractionBench.Drain(withColumn.Transform(data), "Score", HeatmapOutput.Name), () => FeatureExtractionBench.Drain(plain.Transform(data), "Score")], seconds);
            return new("model.zip's chain with its Heatmap column, photo by photo", images.Count / times[0], "images/s", memory[0],
                new Dictionary<string, double> { ["without the column"] = images.Count / times[1] });
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    sealed class Labelled
    {
        public string ImagePath { get; set; } = "";
        public string Label { get; set; } = "";
    }
}
