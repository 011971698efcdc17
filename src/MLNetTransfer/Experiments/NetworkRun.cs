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
using static TorchSharp.torch;

namespace MLNetTransfer.Experiments;

/// <summary>
/// A run that trains a network in TorchSharp (frozen base, fine-tuning or from scratch): checkpoints each epoch so it
/// can resume, exports network.onnx, and saves a model.zip that scores it with ONNX Runtime from an image path.
/// </summary>
/// <param name="network">The head and training, resolved.</param>
sealed class NetworkRun(NetworkSettings network) : RunKind
{
    const string CheckpointFolder = "checkpoint";
    const string TrainingOption = nameof(TransferLearningTrainer.Options.Training) + ".";

    public override string? CannotResume => null;

    public override ExperimentConfig Written(ExperimentConfig config) => config with
    {
        Classifier = new ClassifierConfig { HiddenUnits = [.. network.HiddenUnits], Dropout = network.Dropout },
        Training = network.Training,
    };

    public override string Head => $"dense [{string.Join(", ", network.HiddenUnits)}], {network.Training.PhasesToRun.Sum(p => p.Epochs)} epochs";

    public override TrainingPrecision? Precision => network.Training.Precision.Resolve();

    public override ITrainedModel Train(RunContext run)
    {
        var (ml, config, backbone, split, folder) = (run.Ml, run.Config, run.Backbone, run.Split, run.Folder);
        if (config.Augmentation is { ChangesImages: true } shown)
            AugmentationPreview.Write(ml, backbone, split.Train[0].Path, shown, config.Seed, folder.File(RunFolder.AugmentationFile));

        var history = new List<EpochReport>();
        var totalEpochs = network.Training.PhasesToRun.Sum(p => p.Epochs);
        run.Steps.Report("Preparing images and the frozen layers");
        var (trainer, prepare, train) = Trainer(run, split.Validation, run.LearningRateSweep);
        void OnEpoch(EpochReport epoch)
        {
            history.Add(epoch);
            folder.WriteText(RunFolder.HistoryFile, HistoryCsv.Format(history));
            var validation = epoch.ValidationAccuracy is { } accuracy ? $", validation accuracy {accuracy:P1}" : "";
            run.Steps.Report($"Training ({epoch.Phase})", epoch.Epoch, totalEpochs, $"loss {epoch.TrainLoss:0.000}, accuracy {epoch.TrainAccuracy:P1}{validation}");
        }
        var trained = AsConfigErrors(run, () => trainer.Fit(train, OnEpoch, run.Cancellation));
        run.Notes.AddRange(trainer.Notices);
        run.Unreadable.AddRange(trainer.SkippedImages);
        if (trainer.Sweep is { } sweep) LearningRateFinder.Write(folder.Path, sweep);

        // The saved model starts from an image path: pixel extraction without the training-only label mapping (and
        // without augmentation, which only ever runs inside the trainer).
        var inference = ml.Transforms.ExtractBackbonePixels(backbone, "Pixels").Fit(ml.Data.LoadFromEnumerable(Array.Empty<ImageInput>()));
        var names = ml.Transforms.Conversion.MapKeyToValue("PredictedLabel").Fit(trained.Transform(prepare.Transform(Load(ml, []))));
        return new Model(run, new TransformerChain<ITransformer>(inference, trained, names));
    }

    /// <summary>The first phase's learning-rate sweep over the run's training images (<see cref="TransferLearningTrainer.FindLearningRate"/>); nothing is trained.</summary>
    public LearningRateSweep Sweep(RunContext run, LearningRateSweepOptions options, Action<int>? onStep)
    {
        var (trainer, _, train) = Trainer(run, [], sweep: null);
        return AsConfigErrors(run, () => trainer.FindLearningRate(train, options, onStep, run.Cancellation));
    }

    // The trainer of the run's network, the pixels-and-label-keys step it is fed by, and its training data.
    (TransferLearningTrainer Trainer, ITransformer Prepare, IDataView Train) Trainer(RunContext run, IReadOnlyList<LabeledImage> validation, LearningRateSweepOptions? sweep)
    {
        var (ml, config, backbone, split, folder) = (run.Ml, run.Config, run.Backbone, run.Split, run.Folder);
        var prepare = ml.Transforms.ExtractBackbonePixels(backbone, "Pixels").Append(run.LabelKeys()).Fit(Load(ml, split.Train));
        var trainer = ml.MulticlassClassification.Trainers.TransferLearning(ml, new TransferLearningTrainer.Options
        {
            LabelColumnName = "LabelKey",
            FeatureColumnName = "Pixels",
            Backbone = backbone.Model,
            Preprocessor = backbone.Preprocessor,
            HiddenUnits = network.HiddenUnits,
            Dropout = network.Dropout,
            Training = network.Training,
            Seed = config.Seed,
            Augmentation = config.Augmentation,
            TestTimeAugmentation = config.TestTimeAugmentation,
            Heatmap = config.Export?.Heatmap == true,
            ValidationSet = validation.Count > 0 ? prepare.Transform(Load(ml, validation)) : null,
            ModelFolder = folder.Path,
            CheckpointFolder = folder.File(CheckpointFolder),
            Resume = run.Resume,
            PixelScale = backbone.Scale,
            ImageCacheFolder = run.Store,
            PixelsKey = run.PixelsKey,
            LearningRateSweep = sweep,
        });
        return (trainer, prepare, prepare.Transform(Load(ml, split.Train)));
    }

    static IDataView Load(MLContext ml, IReadOnlyList<LabeledImage> images) =>
        ml.Data.LoadFromEnumerable(images.Select(i => new LabeledPath { ImagePath = i.Path, Label = i.Label }));

    // The trainer's options are the config's fields: an option's error names its field.
    static T AsConfigErrors<T>(RunContext run, Func<T> fit)
    {
        try
        {
            return fit();
        }
        catch (TrainerOptionException e) when (e.Option.StartsWith(TrainingOption, StringComparison.Ordinal))
        {
            // The config's training block is the trainer's Training option, and the reason already names its field.
            var field = e.Option[TrainingOption.Length..];
            throw new ConfigException(run.Definition.ConfigPath, $"training.{char.ToLowerInvariant(field[0])}{field[1..]}", e.Reason, e);
        }
        catch (TrainerOptionException e) when (e.Option == nameof(TransferLearningTrainer.Options.Heatmap))
        {
            throw new ConfigException(run.Definition.ConfigPath, "export.heatmap", e.Reason, e);
        }
    }

    sealed class Model(RunContext run, ITransformer model) : ITrainedModel
    {
        public void Save(string path, IReadOnlyList<ITransformer> after) =>
            run.Ml.Model.Save(after.Count == 0 ? model : new TransformerChain<ITransformer>([model, .. after]), FeatureCache.ImagePathSchema(), path);

        public IReadOnlyList<Prediction> Score(IReadOnlyList<LabeledImage> images, string step) =>
            ClassifierEvaluator.Predict(run.Ml, model, images.Select(i => (i.Path, (string?)i.Label)).ToList(), run.Steps.Counter(step, images.Count), run.Cancellation);
    }

    /// <summary>The run's network.onnx up to its logits (a view-averaging network cut to one view).</summary>
    public static ExplainableRun Reopen(TrainedRun run)
    {
        TorchRuntime.EnsureStarted();
        var backbone = run.Backbone;
        var exported = OnnxModelInfo.Parse(run.Folder.File(TransferLearningTrainer.NetworkFileName));
        var flips = NetworkExport.Flips(exported);
        // The explained network sees one view, and ExplainableRun averages the views.
        var network = flips != TestTimeAugmentation.None
            ? OnnxGraphModule.Load(exported, NetworkExport.ViewsName, NetworkExport.ViewLogitsName)
            : OnnxGraphModule.Load(exported, backbone.Model.InputName, NetworkExport.LogitsName);
        // The exported graph already ends in the logits: an identity layer stands in for the head.
        var identity = new ClassifierHead(run.Classes.Count, [], run.Classes.Count, 0);
        using (no_grad())
        {
            identity.DenseLayers[0].weight!.copy_(eye(run.Classes.Count));
            identity.DenseLayers[0].bias!.zero_();
        }
        return new ExplainableRun(run.Ml, backbone, new TransferNetwork(network, identity), run.Classes, flips);
    }

    /// <summary>
    /// The run's network.onnx with the Heatmap output added (<see cref="NetworkExport.AddHeatmap"/>), and model.zip saved
    /// again with the column: the same chain, its network stage reading the new file.
    /// </summary>
    /// <exception cref="DataException">More than pooling and reshaping follows the explained layer.</exception>
    public static void SaveWithHeatmap(TrainedRun run)
    {
        TorchRuntime.EnsureStarted();
        var backbone = run.Backbone;
        var path = run.Folder.File(TransferLearningTrainer.NetworkFileName);
        var exported = OnnxModelInfo.Parse(path);
        // The layer of the backbone part of the network, as the trainer finds it.
        var input = OnnxModelInfo.Of(exported).Inputs.Single();
        var viewsInput = NetworkExport.Flips(exported) != TestTimeAugmentation.None ? NetworkExport.ViewsName : input.Name;
        HeatmapLayer layer;
        using (var network = OnnxGraphModule.Load(exported, viewsInput, backbone.Model.OutputName))
        using (var zero = zeros([.. input.Shape.Select(d => d ?? 1)]))
        {
            try
            {
                layer = HeatmapLayer.Find(network, exported.Graph, zero);
            }
            catch (DataException e)
            {
                throw new DataException($"{path}: the heat-map {e.Message}", e);
            }
        }
        NetworkExport.AddHeatmap(exported, layer);
        AtomicFile.Write(path, temporary => File.WriteAllBytes(temporary, Google.Protobuf.MessageExtensions.ToByteArray(exported)));

        // The saved chain is pixels, then the trained part (the ONNX stages, then the classifier), then the label's names
        // (then, where calibrated, the temperature's steps).
        var parts = ((IEnumerable<ITransformer>)run.Model).ToList();
        var trained = ((IEnumerable<ITransformer>)parts[1]).ToList();
        var stage = backbone.Model with { Path = path, OutputName = NetworkExport.LogitsName };
        var (scoring, _) = run.Ml.Transforms.ApplyOnnxStages(backbone.Preprocessor is { } pre ? [pre, stage] : [stage], "Pixels", stage, [HeatmapOutput.Name]);
        var onnx = scoring.Fit(parts[0].Transform(run.Ml.Data.LoadFromEnumerable(Array.Empty<ImageInput>())));
        run.Save(new TransformerChain<ITransformer>([parts[0], new TransformerChain<ITransformer>([onnx, .. trained[1..]]), .. parts[2..]]));
    }

    sealed class LabeledPath
    {
        public string ImagePath { get; set; } = "";
        public string Label { get; set; } = "";
    }
}
