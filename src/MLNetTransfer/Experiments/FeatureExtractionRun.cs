using Microsoft.ML;
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
        var backboneKey = string.Join("\n", backbone.Stages.Select(s => $"{FileHash.Of(s.Path)} {s.InputName} {s.OutputName}")) + "\n" + run.PixelsKey;
        List<FeatureCache.Source> sources = [new(extractor, 1, () => run.Steps.Counter("Extracting backbone features (train)", images.Count), backboneKey)];

        // Each pass over the augmenting featurizer draws new changes: K passes give K augmented copies of every image.
        var copies = headConfig.AugmentedCopies;
        if (copies > 0 && config.Augmentation is { } augmentation)
        {
            var augmenting = new BatchFeaturizer(ml, backbone, ml.Transforms.ExtractBackbonePixels(backbone, backbone.PixelsName)
                .Append(ml.Transforms.AugmentImages(backbone.PixelsName, backbone.Width, backbone.Height, augmentation, config.Seed, backbone.Scale)));
            run.Owned.Add(augmenting);
            var augmentationKey = $"{backboneKey}\naugmented, seed {config.Seed}\n{System.Text.Json.JsonSerializer.Serialize(augmentation, ConfigJson.Options)}";
            sources.Add(new(augmenting, copies, () => run.Steps.Counter($"Extracting features of {copies} augmented copies", copies * images.Count), augmentationKey));
        }
        var features = FeatureCache.Compute(ml, images, sources, run.Cancellation, run.Store);

        run.Steps.Report("Training the head");
        var keyed = run.LabelKeys().Fit(features).Transform(features);
        var head = HeadFactory.Create(ml, headConfig, "LabelKey", "Features").Fit(keyed);
        var toValue = ml.Transforms.Conversion.MapKeyToValue("PredictedLabel").Fit(head.Transform(keyed));
        return new Model(run, extractor, featurizer, backboneKey, [head, toValue]);
    }

    sealed class Model(RunContext run, BatchFeaturizer extractor, Lazy<ITransformer> featurizer, string backboneKey, ITransformer[] head) : ITrainedModel
    {
        public void Save(string path) => FeatureExtractionModel.Save(run.Ml, featurizer, backboneKey, head, path, run.Store);

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
