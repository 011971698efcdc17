using System.Diagnostics;
using System.Reflection;
using System.Runtime.InteropServices;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLNetTransfer.Core;
using MLNetTransfer.Data;
using MLNetTransfer.Evaluation;
using MLNetTransfer.Pipelines;

namespace MLNetTransfer.Experiments;

/// <summary>
/// Runs one experiment end to end: data (generated where the config says so), split, run folder, backbone features,
/// head, evaluation, and every file of the run folder. Reports progress to <paramref name="progress"/>; draws nothing.
/// </summary>
public sealed class ExperimentRunner(IProgress<RunProgress>? progress = null)
{
    public RunResult Run(ExperimentDefinition definition, CancellationToken cancellation = default)
    {
        var clock = Stopwatch.StartNew();
        var started = DateTime.UtcNow;
        var config = definition.Config;
        var split = LoadDataset(definition, cancellation);

        var folder = RunFolder.Create(definition.Resolve(config.Output), config.Name, started);
        folder.WriteJson(RunFolder.ConfigFile, config);
        folder.WriteJson(RunFolder.DatasetFile, new DatasetFiles(split.Train, split.Validation, split.Test));
        var backbone = BackboneSetup.Place(definition, folder.Path);
        var record = new RunRecord(config.Name, RunRecord.Running, Path.GetFullPath(definition.ConfigPath), config.Seed, config.Mode,
            started, null, null, backbone.Name, backbone.Stages.Select(s => Path.GetFileName(s.Path)).ToList(),
            DescribeDataset(definition, split), Versions());
        folder.WriteJson(RunFolder.RunFile, record);

        try
        {
            var ml = new MLContext(config.Seed);
            var model = Train(ml, definition, backbone, split, cancellation);
            folder.Write(RunFolder.ModelFile, temporary => ml.Model.Save(model, FeatureCache.ImagePathSchema(), temporary));

            var test = Score(ml, model, split.Test, "Evaluating on the test set", cancellation);
            var validation = split.Validation.Count > 0 ? Score(ml, model, split.Validation, "Evaluating on the validation set", cancellation) : null;
            var metrics = new RunMetrics(ClassifierEvaluator.Evaluate(ml, test, split.Classes),
                validation is null ? null : ClassifierEvaluator.Evaluate(ml, validation, split.Classes));
            folder.WriteText(RunFolder.PredictionsFile, PredictionsCsv.Format(test, split.Classes));
            folder.WriteJson(RunFolder.MetricsFile, metrics);

            record = record with { Status = RunRecord.Completed, FinishedUtc = DateTime.UtcNow, Seconds = Math.Round(clock.Elapsed.TotalSeconds, 1) };
            folder.WriteJson(RunFolder.RunFile, record);
            return new RunResult(folder.Path, record, metrics);
        }
        catch
        {
            folder.WriteJson(RunFolder.RunFile, record with { Status = RunRecord.Failed, FinishedUtc = DateTime.UtcNow, Seconds = Math.Round(clock.Elapsed.TotalSeconds, 1) });
            throw;
        }
    }

    ITransformer Train(MLContext ml, ExperimentDefinition definition, Backbones.Backbone backbone, DatasetSplit split, CancellationToken cancellation)
    {
        var noImages = ml.Data.LoadFromEnumerable(Array.Empty<ImageInput>());
        var featurizer = ml.Transforms.ExtractBackboneFeatures(backbone).Fit(noImages);

        var features = FeatureCache.Compute(ml, featurizer, split.Train.Select(i => (i.Path, i.Label)).ToList(),
            Counter("Extracting backbone features (train)", split.Train.Count), cancellation);

        Report("Training the head", 0, 0);
        var classes = ml.Data.LoadFromEnumerable(split.Classes.Select(c => new ClassName { Value = c }));
        var keyed = ml.Transforms.Conversion.MapValueToKey("LabelKey", "Label", keyData: classes).Fit(features).Transform(features);
        var head = HeadFactory.Create(ml, definition.Config.Head, "LabelKey", "Features").Fit(keyed);
        var toValue = ml.Transforms.Conversion.MapKeyToValue("PredictedLabel").Fit(head.Transform(keyed));
        return new TransformerChain<ITransformer>(featurizer, head, toValue);
    }

    IReadOnlyList<Prediction> Score(MLContext ml, ITransformer model, IReadOnlyList<LabeledImage> images, string step, CancellationToken cancellation) =>
        ClassifierEvaluator.Predict(ml, model, images.Select(i => (i.Path, (string?)i.Label)).ToList(), Counter(step, images.Count), cancellation);

    DatasetSplit LoadDataset(ExperimentDefinition definition, CancellationToken cancellation)
    {
        var dataset = definition.Config.Dataset;
        var file = definition.ConfigPath;
        ImageFolder Scan(string field, string folder)
        {
            try
            {
                return ImageFolder.Scan(definition.Resolve(folder));
            }
            catch (DataException e)
            {
                throw new ConfigException(file, field, e.Message, e);
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
            split.Skipped);
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

    void Report(string step, int done, int total) => progress?.Report(new RunProgress(step, done, total));

    sealed class ClassName
    {
        public string Value { get; set; } = "";
    }
}
