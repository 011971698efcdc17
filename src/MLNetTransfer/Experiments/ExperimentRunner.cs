using System.Diagnostics;
using System.Reflection;
using System.Runtime.InteropServices;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLNetTransfer.Core;
using MLNetTransfer.Data;
using MLNetTransfer.Evaluation;
using MLNetTransfer.Pipelines;
using MLNetTransfer.Pipelines.Augmentation;
using MLNetTransfer.Training;

namespace MLNetTransfer.Experiments;

/// <summary>
/// Runs one experiment end to end: data (generated where the config says so), split, run folder, backbone features,
/// head, evaluation, and every file of the run folder. Reports progress to <paramref name="progress"/>; draws nothing.
/// </summary>
public sealed class ExperimentRunner(IProgress<RunProgress>? progress = null)
{
    /// <summary>
    /// The folder in a config's output folder where backbone features, the feature-extraction model's featurizer and
    /// each dataset folder's file checks are kept between runs.
    /// </summary>
    public const string FeatureStoreFolder = ".feature-cache";

    /// <summary>Runs the experiment in a new run folder, or continues the interrupted run in <paramref name="resumeFolder"/>.</summary>
    public RunResult Run(ExperimentDefinition definition, CancellationToken cancellation = default, string? resumeFolder = null)
    {
        var clock = Stopwatch.StartNew();
        var started = DateTime.UtcNow;
        var config = definition.Config;
        RunFolder folder;
        DatasetSplit split;
        if (resumeFolder is null)
        {
            split = LoadDataset(definition, cancellation);
            folder = RunFolder.Create(definition.Resolve(config.Output), config.Name, started);
            folder.WriteJson(RunFolder.ConfigFile, config);
            folder.WriteJson(RunFolder.DatasetFile, new DatasetFiles(split.Train, split.Validation, split.Test));
        }
        else
        {
            (folder, split) = Reopen(definition, resumeFolder);
        }
        var backbone = BackboneSetup.Place(definition, folder.Path);
        var record = new RunRecord(config.Name, RunRecord.Running, Path.GetFullPath(definition.ConfigPath), config.Seed, config.Mode,
            started, backbone.Relocated(Path.GetFileName),
            DescribeDataset(definition, split), Versions(), Precision: config.Training?.Precision.Resolve());
        folder.WriteJson(RunFolder.RunFile, record);

        var owned = new List<IDisposable>(); // ONNX Runtime sessions, closed when the run ends
        try
        {
            var ml = new MLContext(config.Seed);
            var notes = new List<string>();
            var unreadable = new List<SkippedFile>();
            Action<string> save;
            Func<IReadOnlyList<LabeledImage>, string, IReadOnlyList<Prediction>> score;
            if (config.Mode == TrainingMode.FeatureExtraction)
                (save, score) = TrainHead(ml, definition, backbone, split, owned, cancellation);
            else
            {
                var model = TrainNetwork(ml, definition, backbone, split, folder, resumeFolder is not null, notes.Add, unreadable.AddRange, cancellation);
                save = temporary => ml.Model.Save(model, FeatureCache.ImagePathSchema(), temporary);
                score = (images, step) => Score(ml, model, images, step, cancellation);
            }
            Report("Saving the model", 0, 0);
            folder.Write(RunFolder.ModelFile, save);

            var test = score(split.Test, "Evaluating on the test set");
            var validation = split.Validation.Count > 0 ? score(split.Validation, "Evaluating on the validation set") : null;
            var metrics = new RunMetrics(ClassifierEvaluator.Evaluate(ml, test, split.Classes),
                validation is null ? null : ClassifierEvaluator.Evaluate(ml, validation, split.Classes));
            folder.WriteText(RunFolder.PredictionsFile, PredictionsCsv.Format(test, split.Classes));
            folder.WriteJson(RunFolder.MetricsFile, metrics);

            // Files that became unreadable after the scan are listed with those the scan left out.
            if (unreadable.Count > 0) record = record with { Dataset = record.Dataset with { Skipped = [.. record.Dataset.Skipped, .. unreadable] } };
            record = record with { Notes = notes.Count > 0 ? notes : null, Status = RunRecord.Completed, FinishedUtc = DateTime.UtcNow, Seconds = Math.Round(clock.Elapsed.TotalSeconds, 1) };
            folder.WriteJson(RunFolder.RunFile, record);
            return new RunResult(folder.Path, record, metrics);
        }
        catch (OperationCanceledException)
        {
            // Its last checkpoint stays: train --resume continues it. (A killed process cannot say so: it stays 'running'.)
            folder.WriteJson(RunFolder.RunFile, record with { Status = RunRecord.Interrupted, Seconds = Math.Round(clock.Elapsed.TotalSeconds, 1) });
            throw;
        }
        catch
        {
            folder.WriteJson(RunFolder.RunFile, record with { Status = RunRecord.Failed, FinishedUtc = DateTime.UtcNow, Seconds = Math.Round(clock.Elapsed.TotalSeconds, 1) });
            throw;
        }
        finally
        {
            foreach (var resource in owned) resource.Dispose();
        }
    }

    // A run to continue: same experiment, not finished, with its split as written.
    static (RunFolder, DatasetSplit) Reopen(ExperimentDefinition definition, string path)
    {
        var folder = RunFolder.Open(path);
        var previous = folder.ReadJson<RunRecord>(RunFolder.RunFile);
        if (previous.Experiment != definition.Config.Name)
            throw new DataException($"{folder.Path} is a run of '{previous.Experiment}', not of '{definition.Config.Name}'");
        if (previous.Status == RunRecord.Completed)
            throw new DataException($"{folder.Path} is already completed; a finished run is never overwritten");
        if (definition.Config.Mode == TrainingMode.FeatureExtraction)
            throw new DataException("feature-extraction runs have no checkpoints to resume; run them again");
        var files = folder.ReadJson<DatasetFiles>(RunFolder.DatasetFile);
        var split = new DatasetSplit(previous.Dataset.Classes, files.Train, files.Validation, files.Test, previous.Dataset.Skipped);
        return (folder, split);
    }

    /// <summary>
    /// How to save the feature-extraction model, and how to score image sets with it: the head on the sets' features,
    /// stored like the training features (the featurizer is deterministic, so this is exactly what the saved model
    /// computes). The featurizer is built only if some features or the model's stored featurizer are missing.
    /// </summary>
    (Action<string> Save, Func<IReadOnlyList<LabeledImage>, string, IReadOnlyList<Prediction>> Score) TrainHead(MLContext ml,
        ExperimentDefinition definition, Backbones.Backbone backbone, DatasetSplit split, ICollection<IDisposable> owned, CancellationToken cancellation)
    {
        var config = definition.Config;
        var noImages = ml.Data.LoadFromEnumerable(Array.Empty<ImageInput>());
        // model.zip holds ML.NET's chain; the features are computed in batches, as the chain computes them photo by photo.
        var featurizer = new Lazy<ITransformer>(() => ml.Transforms.ExtractBackboneFeatures(backbone).Fit(noImages));
        var extractor = new BatchFeaturizer(ml, backbone);
        owned.Add(extractor);
        var images = split.Train.Select(i => (i.Path, i.Label)).ToList();
        var backboneKey = string.Join("\n", backbone.Stages.Select(s => $"{FileHash.Of(s.Path)} {s.InputName} {s.OutputName}")) + "\n" + PixelsKey(backbone);
        List<FeatureCache.Source> sources = [new(extractor, 1, () => Counter("Extracting backbone features (train)", images.Count), backboneKey)];

        // Each pass over the augmenting featurizer draws new changes: K passes give K augmented copies of every image.
        var copies = config.Head!.AugmentedCopies;
        if (copies > 0)
        {
            var augmenting = new BatchFeaturizer(ml, backbone, ml.Transforms.ExtractBackbonePixels(backbone, backbone.PixelsName)
                .Append(ml.Transforms.AugmentImages(backbone.PixelsName, backbone.Width, backbone.Height, config.Augmentation!, config.Seed, backbone.Scale)));
            owned.Add(augmenting);
            var augmentationKey = $"{backboneKey}\naugmented, seed {config.Seed}\n{System.Text.Json.JsonSerializer.Serialize(config.Augmentation, ConfigJson.Options)}";
            sources.Add(new(augmenting, copies, () => Counter($"Extracting features of {copies} augmented copies", copies * images.Count), augmentationKey));
        }
        var store = Store(definition);
        var features = FeatureCache.Compute(ml, images, sources, cancellation, store);

        Report("Training the head", 0, 0);
        var keyed = LabelKeys(ml, split.Classes).Fit(features).Transform(features);
        var head = HeadFactory.Create(ml, config.Head, "LabelKey", "Features").Fit(keyed);
        var toValue = ml.Transforms.Conversion.MapKeyToValue("PredictedLabel").Fit(head.Transform(keyed));

        IReadOnlyList<Prediction> Score(IReadOnlyList<LabeledImage> set, string step)
        {
            var labelled = set.Select(i => (i.Path, i.Label)).ToList();
            var setFeatures = FeatureCache.Compute(ml, labelled, [new(extractor, 1, () => Counter(step, set.Count), backboneKey)], cancellation, store);
            var scored = toValue.Transform(head.Transform(setFeatures));
            return ClassifierEvaluator.Predictions(scored, labelled.Select(i => (i.Path, (string?)i.Label)).ToList(), cancellation: cancellation);
        }
        return (path => FeatureExtractionModel.Save(ml, featurizer, backboneKey, [head, toValue], path, store), Score);
    }

    ITransformer TrainNetwork(MLContext ml, ExperimentDefinition definition, Backbones.Backbone backbone, DatasetSplit split,
        RunFolder folder, bool resume, Action<string> note, Action<IEnumerable<SkippedFile>> unreadable, CancellationToken cancellation)
    {
        var config = definition.Config;
        var training = config.Training!;
        var minimum = new TrainingSettings { BatchSize = training.BatchSize }.MinimumMemoryBudgetMB([3, backbone.Height, backbone.Width]);
        if (training.MemoryBudgetMB < minimum)
            throw new ConfigException(definition.ConfigPath, "training.memoryBudgetMB",
                $"{training.MemoryBudgetMB} MB cannot hold the batches in flight ({training.BatchSize} images of 3 x {backbone.Height} x {backbone.Width}, three batches): it needs at least {minimum}");
        var prepare = ml.Transforms.ExtractBackbonePixels(backbone, "Pixels").Append(LabelKeys(ml, split.Classes));
        IDataView Load(IReadOnlyList<LabeledImage> images) =>
            ml.Data.LoadFromEnumerable(images.Select(i => new LabeledPath { ImagePath = i.Path, Label = i.Label }));
        var fitted = prepare.Fit(Load(split.Train));
        if (config.Augmentation is { ChangesImages: true } shown)
            WriteAugmentationPreview(ml, backbone, split.Train[0].Path, shown, config.Seed, folder.File(RunFolder.AugmentationFile));

        var checkpoints = folder.File("checkpoint");
        var history = new List<EpochReport>(resume ? TrainingCheckpoint.Read(checkpoints)?.History ?? [] : []);
        var totalEpochs = training.Phases!.Sum(p => p.Epochs);
        Report("Preparing images and the frozen layers", 0, 0);
        var trainer = ml.MulticlassClassification.Trainers.TransferLearning(ml, new TransferLearningTrainer.Options
        {
            LabelColumnName = "LabelKey",
            FeatureColumnName = "Pixels",
            Backbone = backbone.Model,
            Preprocessor = backbone.Preprocessor,
            TestTimeFlips = config.TestTimeAugmentation.Flips(),
            HiddenUnits = config.Classifier!.HiddenUnits!,
            Dropout = config.Classifier.Dropout,
            ValidationSet = split.Validation.Count > 0 ? fitted.Transform(Load(split.Validation)) : null,
            ModelFolder = folder.Path,
            Resume = resume,
            Cancellation = cancellation,
            PixelScale = backbone.Scale,
            ImageCacheFolder = Store(definition),
            PixelsKey = PixelsKey(backbone),
            Notice = note,
            Training = new TrainingSettings
            {
                Phases = training.Phases!,
                BatchSize = training.BatchSize,
                LabelSmoothing = training.LabelSmoothing,
                Precision = training.Precision,
                EarlyStopping = training.EarlyStopping,
                MemoryBudgetMB = training.MemoryBudgetMB,
                Seed = config.Seed,
                CheckpointFolder = checkpoints,
                Augmentation = config.Augmentation is { ChangesImages: true } augmentation ? new ImageAugmenter(augmentation, config.Seed, backbone.Scale) : null,
            },
            EpochCallback = epoch =>
            {
                history.Add(epoch);
                folder.WriteText(RunFolder.HistoryFile, HistoryCsv.Format(history));
                var validation = epoch.ValidationAccuracy is { } accuracy ? $", validation accuracy {accuracy:P1}" : "";
                Report($"Training ({epoch.Phase})", epoch.Epoch, totalEpochs, $"loss {epoch.TrainLoss:0.000}, accuracy {epoch.TrainAccuracy:P1}{validation}");
            },
        });
        var network = trainer.Fit(fitted.Transform(Load(split.Train)));
        unreadable(trainer.SkippedImages);

        // The saved model starts from an image path: pixel extraction without the training-only label mapping (and
        // without augmentation, which only ever runs inside the trainer).
        var inference = ml.Transforms.ExtractBackbonePixels(backbone, "Pixels").Fit(ml.Data.LoadFromEnumerable(Array.Empty<ImageInput>()));
        var names = ml.Transforms.Conversion.MapKeyToValue("PredictedLabel").Fit(network.Transform(fitted.Transform(Load([]))));
        return new TransformerChain<ITransformer>(inference, network, names);
    }

    /// <summary>Writes a 3 x 3 grid: <paramref name="image"/> and eight augmented versions of it, as training sees them.</summary>
    public static void WriteAugmentationPreview(MLContext ml, Backbones.Backbone backbone, string image, AugmentationOptions options, int seed, string path, int count = 9)
    {
        var data = ml.Data.LoadFromEnumerable([new ImageInput { ImagePath = image }]);
        var pixels = ml.Transforms.ExtractBackbonePixels(backbone, "Pixels").Fit(data).Transform(data).GetColumn<float[]>("Pixels").Single();
        AugmentationPreview.Write(path, pixels, backbone.Width, backbone.Height, backbone.ChannelOrder == Backbones.ChannelOrder.Rgb,
            backbone.Scale, new ImageAugmenter(options, seed, backbone.Scale), count);
    }

    static IEstimator<ITransformer> LabelKeys(MLContext ml, IReadOnlyList<string> classes) =>
        ml.Transforms.Conversion.MapValueToKey("LabelKey", "Label", keyData: ml.Data.LoadFromEnumerable(classes.Select(c => new ClassName { Value = c })));

    // What decoded pixels depend on besides the files: decoded images and features are both found by it.
    static string PixelsKey(Backbones.Backbone backbone) =>
        $"{backbone.Width}x{backbone.Height} {backbone.ChannelOrder} {backbone.Scale}" + (backbone.ApplyExifOrientation ? "\nEXIF orientation applied" : "");

    // Beside the runs, so every experiment writing there shares it; deleting the folder only costs time.
    static string Store(ExperimentDefinition definition) => Path.Combine(definition.Resolve(definition.Config.Output), FeatureStoreFolder);

    IReadOnlyList<Prediction> Score(MLContext ml, ITransformer model, IReadOnlyList<LabeledImage> images, string step, CancellationToken cancellation) =>
        ClassifierEvaluator.Predict(ml, model, images.Select(i => (i.Path, (string?)i.Label)).ToList(), Counter(step, images.Count), cancellation);

    internal DatasetSplit LoadDataset(ExperimentDefinition definition, CancellationToken cancellation = default)
    {
        var dataset = definition.Config.Dataset;
        var file = definition.ConfigPath;
        ImageFolder Scan(string field, string folder)
        {
            try
            {
                return ImageFolder.Scan(definition.Resolve(folder), dataset.ExifOrientation == ExifOrientationMode.Apply, Store(definition));
            }
            catch (DataException e)
            {
                throw new ConfigException(file, field, e.Message, e);
            }
        }

        if (dataset.HeldOut is { } heldOut)
        {
            var train = Scan("dataset.train", dataset.Train!);
            var held = Scan("dataset.heldOut.root", heldOut.Root);
            try
            {
                return DatasetSplit.HeldOut(train, held, heldOut.Validation, heldOut.Test, definition.Config.Seed);
            }
            catch (DataException e)
            {
                throw new ConfigException(file, "dataset.heldOut", e.Message, e);
            }
        }
        if (dataset.Root is null)
            return DatasetSplit.Separate(Scan("dataset.train", dataset.Train!), Scan("dataset.validation", dataset.Validation!), Scan("dataset.test", dataset.Test!));

        var root = definition.Resolve(dataset.Root);
        if (dataset.Synthetic is { } synthetic && !Directory.Exists(root))
        {
            var total = synthetic.ImagesPerClass * SyntheticPets.Classes.Count;
            SyntheticPets.Generate(root, synthetic.ImagesPerClass, synthetic.ImageSize, synthetic.Seed, Counter("Generating the synthetic dataset", total), cancellation);
        }
        var split = dataset.Split ?? new SplitConfig();
        try
        {
            return DatasetSplit.Stratified(Scan("dataset.root", dataset.Root), split.Train, split.Validation, definition.Config.Seed);
        }
        catch (DataException e)
        {
            throw new ConfigException(file, "dataset.root", e.Message, e);
        }
    }

    static DatasetRecord DescribeDataset(ExperimentDefinition definition, DatasetSplit split)
    {
        var root = definition.Resolve(definition.Config.Dataset.Root ?? Path.Combine(definition.Config.Dataset.Train!, ".."));
        IReadOnlyDictionary<string, int> Count(IReadOnlyList<LabeledImage> images) =>
            split.Classes.ToDictionary(c => c, c => images.Count(i => i.Label == c));
        return new DatasetRecord(DatasetFingerprint.Of(split, root), split.Classes,
            new Dictionary<string, IReadOnlyDictionary<string, int>>
            {
                ["train"] = Count(split.Train),
                ["validation"] = Count(split.Validation),
                ["test"] = Count(split.Test),
            },
            split.Skipped,
            split.All.Select(a => a.Image).Where(i => i.Warning is not null).Select(i => new FileWarning(i.Path, i.Warning!)).ToList());
    }

    static IReadOnlyDictionary<string, string> Versions()
    {
        static string Of(Type type) =>
            type.Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
            ?? type.Assembly.GetName().Version?.ToString() ?? "unknown";
        return new Dictionary<string, string>
        {
            ["MLNetTransfer"] = Of(typeof(ExperimentRunner)),
            ["Microsoft.ML"] = Of(typeof(MLContext)),
            ["Microsoft.ML.OnnxRuntime"] = Of(typeof(Microsoft.ML.OnnxRuntime.InferenceSession)),
            ["TorchSharp"] = Of(typeof(TorchSharp.torch)),
            [".NET"] = RuntimeInformation.FrameworkDescription,
            ["OS"] = RuntimeInformation.OSDescription,
        };
    }

    IProgress<int>? Counter(string step, int total)
    {
        if (progress is null) return null;
        Report(step, 0, total);
        return new ImmediateProgress<int>(done => Report(step, done, total));
    }

    void Report(string step, int done, int total, string? detail = null) => progress?.Report(new RunProgress(step, done, total, detail));

    sealed class ClassName
    {
        public string Value { get; set; } = "";
    }

    sealed class LabeledPath
    {
        public string ImagePath { get; set; } = "";
        public string Label { get; set; } = "";
    }
}
