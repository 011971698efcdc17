using Microsoft.ML;
using Microsoft.ML.Data;
using MLNetTransfer.Backbones;
using MLNetTransfer.Backbones.Export;
using MLNetTransfer.Backbones.Import;
using MLNetTransfer.Core;
using MLNetTransfer.Data;
using MLNetTransfer.Evaluation;
using MLNetTransfer.Interpretability;
using MLNetTransfer.Pipelines;
using MLNetTransfer.Pipelines.Augmentation;
using MLNetTransfer.Training;

namespace MLNetTransfer.Experiments;

/// <summary>
/// A feature-extraction run: the frozen backbone's features of every image (stored, and computed once), an ML.NET
/// head trained on them, and a model.zip that chains the backbone's ONNX graph with that head.
/// </summary>
/// <param name="headConfig">The ML.NET head, resolved.</param>
sealed class FeatureExtractionRun(HeadConfig headConfig) : RunKind
{
    public override string? CannotResume => "feature-extraction runs have no checkpoints to resume; run them again";

    public override ExperimentConfig Written(ExperimentConfig config) => config with { Head = headConfig };

    public override string Head => ConfigJson.Name(headConfig.Trainer);

    /// <summary>
    /// The head on the sets' features, stored like the training features (the featurizer is deterministic, so this is
    /// exactly what the saved model computes). The featurizer is built only if some features or the model's stored
    /// featurizer are missing.
    /// </summary>
    public override ITrainedModel Train(RunContext run)
    {
        var (ml, config, backbone) = (run.Ml, run.Config, run.Backbone);
        var noImages = ml.Data.LoadFromEnumerable(Array.Empty<ImageInput>());
        // model.zip holds ML.NET's chain; the features are computed in batches, as the chain computes them photo by photo.
        var featurizer = new Lazy<ITransformer>(() => ml.Transforms.ExtractBackboneFeatures(backbone).Fit(noImages));
        var extractor = new BatchFeaturizer(ml, backbone);
        run.Owned.Add(extractor);
        var images = run.Split.Train.Select(i => (i.Path, i.Label)).ToList();
        var backboneKey = FeaturesKey(backbone);
        List<FeatureCache.Source> sources = [new(extractor, 1, () => run.Steps.Counter("Extracting backbone features (train)", images.Count), backboneKey)];

        // Each pass over the augmenting featurizer draws new changes: K passes give K augmented copies of every image.
        var copies = headConfig.AugmentedCopies;
        if (copies > 0 && config.Augmentation is { } augmentation)
        {
            var augmenting = extractor.WithPixels(ml.Transforms.ExtractBackbonePixels(backbone, backbone.PixelsName)
                .Append(ml.Transforms.AugmentImages(backbone.PixelsName, backbone.Width, backbone.Height, augmentation, config.Seed, backbone.Scale)));
            run.Owned.Add(augmenting);
            var augmentationKey = $"{backboneKey}\naugmented, seed {config.Seed}\n{System.Text.Json.JsonSerializer.Serialize(augmentation, ConfigJson.Options)}";
            sources.Add(new(augmenting, copies, () => run.Steps.Counter($"Extracting features of {copies} augmented copies", copies * images.Count), augmentationKey));
        }
        var features = FeatureCache.Compute(ml, images, sources, run.Cancellation, run.Store);

        if (run.LearningRateSweep is not null) run.Notes.Add("no learning-rate sweep: the ML.NET L-BFGS head of feature extraction has no learning rate");
        run.Steps.Report("Training the head");
        var keyed = run.LabelKeys().Fit(features).Transform(features);
        var head = HeadFactory.Create(ml, headConfig, "LabelKey", "Features").Fit(keyed);
        run.Steps.Report($"Scoring the training images out of fold ({OutOfFoldPredictions.Folds} folds)");
        SuspectedMislabels.Write(run.Folder, SuspectedMislabels.Rank(
            OutOfFoldPredictions.Compute(ml, features, run.Split.Train, run.Split.Classes, headConfig, config.Seed, run.Cancellation), run.Split.Classes), run.Split.Classes);
        var toValue = ml.Transforms.Conversion.MapKeyToValue("PredictedLabel").Fit(head.Transform(keyed));
        if (config.Export is not { Heatmap: true }) return new Model(run, extractor, featurizer, backboneKey, [head, toValue]);

        // The Heatmap column: a featurizer that also outputs the explained layer, and a graph with the head's weights after it.
        FeatureExtractionHeatmap heatmap;
        try
        {
            heatmap = HeatmapFor(backbone, head, run.Folder.Path);
        }
        catch (DataException e)
        {
            throw new ConfigException(run.Definition.ConfigPath, "export.heatmap", e.Message, e);
        }
        run.Owned.Add(heatmap);
        var (layerFeaturizer, column) = WithColumn(ml, heatmap, [head, toValue]);
        return new Model(run, extractor, new Lazy<ITransformer>(() => layerFeaturizer), backboneKey, [head, toValue], ($"{backboneKey}\nheat-map of {heatmap.Layer.Name}", column));
    }

    /// <summary>What the backbone's features depend on besides the images: its graphs and how its pixels are made. Stored features are found by it.</summary>
    internal static string FeaturesKey(Backbone backbone) =>
        string.Join("\n", backbone.Stages.Select(s => $"{FileHash.Of(s.Path)} {s.InputName} {s.OutputName}")) + "\n" + RunContext.PixelsKeyOf(backbone);

    /// <summary>The head's weights and the backbone's explained layer as ONNX graphs in <paramref name="folder"/>.</summary>
    /// <exception cref="DataException">A head that is not linear, or a backbone the column cannot be computed for.</exception>
    internal static FeatureExtractionHeatmap HeatmapFor(Backbone backbone, ITransformer head, string folder)
    {
        ClassifierHead linear;
        try
        {
            linear = LinearHeadReader.Read(head);
        }
        catch (NotSupportedException e)
        {
            throw new DataException($"{e.Message}: a light-gbm head's trees have no gradient to weigh the channels by", e);
        }
        using (linear) return FeatureExtractionHeatmap.Write(backbone, linear.DenseLayers[0].weight!.data<float>().ToArray(), folder);
    }

    /// <summary>The featurizer that also outputs the layer, and the column's step fitted after the head's transformers.</summary>
    internal static (ITransformer Featurizer, ITransformer Column) WithColumn(MLContext ml, FeatureExtractionHeatmap heatmap, IReadOnlyList<ITransformer> head)
    {
        var noImages = ml.Data.LoadFromEnumerable(Array.Empty<ImageInput>());
        var featurizer = heatmap.Featurizer(ml.Transforms).Fit(noImages);
        var scored = head.Aggregate(featurizer.Transform(noImages), (data, transformer) => transformer.Transform(data));
        return (featurizer, heatmap.Column(ml.Transforms).Fit(scored));
    }

    /// <summary>The run's model.zip saved again with the Heatmap column (featurizer, head, column).</summary>
    /// <exception cref="DataException">A head or backbone the column cannot be computed for.</exception>
    public static void SaveWithHeatmap(TrainedRun run)
    {
        var parts = ((IEnumerable<ITransformer>)run.Model).ToList();
        using var heatmap = HeatmapFor(run.Backbone, parts[1], run.Folder.Path);
        var (featurizer, column) = WithColumn(run.Ml, heatmap, parts[1..]);
        run.Save(new TransformerChain<ITransformer>([featurizer, .. parts[1..], column]));
    }

    // With a Heatmap column the saved featurizer also outputs the layer, so its stored copy has a key of its own; the
    // features, and so the scores, are the same as without.
    sealed class Model(RunContext run, BatchFeaturizer extractor, Lazy<ITransformer> featurizer, string backboneKey, ITransformer[] head,
        (string FeaturizerKey, ITransformer Column)? heatmap = null) : ITrainedModel
    {
        public void Save(string path, IReadOnlyList<ITransformer> after) => FeatureExtractionModel.Save(run.Ml, featurizer, heatmap?.FeaturizerKey ?? backboneKey,
            [.. head, .. heatmap is { } h ? [h.Column] : Array.Empty<ITransformer>(), .. after], path, run.Store);

        public IReadOnlyList<Prediction> Score(IReadOnlyList<LabeledImage> images, string step)
        {
            var labelled = images.Select(i => (i.Path, i.Label)).ToList();
            var features = FeatureCache.Compute(run.Ml, labelled, [new(extractor, 1, () => run.Steps.Counter(step, images.Count), backboneKey)], run.Cancellation, run.Store);
            var scored = head.Aggregate(features, (data, transformer) => transformer.Transform(data));
            return ClassifierEvaluator.Predictions(scored, labelled.Select(i => (i.Path, (string?)i.Label)).ToList(), cancellation: run.Cancellation);
        }
    }

    /// <summary>The backbone's graph with the ML.NET head read back from model.zip as dense layers.</summary>
    /// <exception cref="DataException">A backbone whose output keeps a spatial extent, or a head that is not linear.</exception>
    public static ExplainableRun Reopen(TrainedRun run)
    {
        TorchRuntime.EnsureStarted();
        var backbone = run.Backbone;
        var model = OnnxModelInfo.Parse(backbone.Model.Path);
        var output = OnnxModelInfo.Of(model).Outputs.FirstOrDefault(o => o.Name == backbone.Model.OutputName);
        if (output is not null && output.Shape.Skip(2).Any(d => d is not 1))
            throw new DataException($"{run.Folder.Path}: the backbone's output {output} keeps a spatial extent, which its ML.NET head reads flattened; " +
                                    "only backbones that end in global pooling can be explained in feature-extraction mode");
        ClassifierHead head;
        try
        {
            head = LinearHeadReader.Read(run.Model);
        }
        catch (NotSupportedException e)
        {
            throw new DataException($"{run.Folder.Path}: {e.Message}", e);
        }
        var graph = OnnxGraphModule.Load(model, backbone.Model.InputName, backbone.Model.OutputName);
        return new ExplainableRun(run.Ml, backbone, new TransferNetwork(graph, head), run.Classes, TestTimeAugmentation.None);
    }
}
