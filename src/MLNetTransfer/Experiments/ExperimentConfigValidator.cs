using System.Text.RegularExpressions;
using MLNetTransfer.Backbones.Export;
using MLNetTransfer.Training;
using MLNetTransfer.Core;

namespace MLNetTransfer.Experiments;

/// <summary>Checks values and folders of a parsed config; the first problem found is thrown with its field.</summary>
internal static partial class ExperimentConfigValidator
{
    /// <summary>Throws <see cref="ConfigException"/> for the first invalid field of <paramref name="definition"/>.</summary>
    public static void Validate(ExperimentDefinition definition)
    {
        var file = definition.ConfigPath;
        var config = definition.Config;
        void Fail(string field, string problem) => throw new ConfigException(file, field, problem);

        if (!SafeName().IsMatch(config.Name))
            Fail("name", $"'{config.Name}' must be letters, digits, '-', '_' or '.' (it names a folder)");
        if (string.IsNullOrWhiteSpace(config.Output))
            Fail("output", "must name a folder");

        ValidateDataset(definition, Fail);
        if (config.Calibration == CalibrationMethod.Temperature && (config.Dataset.Split is { Validation: 0 } || config.Dataset.HeldOut is { Validation: 0 }))
            Fail("calibration", "temperature scaling is fitted on the validation set; give the dataset validation images");

        if (config.ImageSize is { } size)
        {
            if (size.Width is < 16 or > 4096) Fail("imageSize.width", $"must be between 16 and 4096 (got {size.Width})");
            if (size.Height is < 16 or > 4096) Fail("imageSize.height", $"must be between 16 and 4096 (got {size.Height})");
        }

        ValidateBackbone(definition, Fail);
        var torchMode = config.Mode != TrainingMode.FeatureExtraction;
        if (torchMode && config.Head is not null)
            Fail("head", $"applies to feature-extraction only; {ConfigJson.Name(config.Mode)} trains a TorchSharp head set by 'classifier' and 'training'");
        if (!torchMode && config.Classifier is not null) Fail("classifier", "applies to frozen-base, fine-tune and from-scratch; feature-extraction trains the ML.NET 'head'");
        if (!torchMode && config.Training is not null) Fail("training", "applies to frozen-base, fine-tune and from-scratch; feature-extraction has no epochs");
        if (config.Head is { } head) ValidateHead(head, Fail);
        if (config.Classifier is { } classifier) ValidateClassifier(classifier, Fail);
        if (config.Training is { } training) ValidateTraining(config.Mode, training, Fail);
        if (!torchMode && config.TestTimeAugmentation != TestTimeAugmentation.None)
            Fail("testTimeAugmentation", "applies to frozen-base, fine-tune and from-scratch, whose exported network can average views");
        if (config.Export is { Heatmap: true } && config.Head?.Trainer == HeadTrainer.LightGbm)
            Fail("export.heatmap", "needs a head whose class scores are linear in the pooled features (the default maximum entropy, or a TorchSharp classifier): a light-gbm head's trees have no gradient to weigh the channels by");
        var copies = config.Head?.AugmentedCopies ?? 0;
        if (copies is < 0 or > 50) Fail("head.augmentedCopies", $"must be between 0 and 50 (got {copies})");
        if (copies > 0 && config.Augmentation is null) Fail("head.augmentedCopies", "needs an augmentation block saying how to change the copies");
        if (config.Augmentation is { } augmentation)
        {
            if (!torchMode && copies == 0)
                Fail("augmentation", "feature-extraction computes features once; set head.augmentedCopies to cache augmented copies, or use frozen-base");
            ValidateAugmentation(augmentation, Fail);
        }
    }

    static void ValidateAugmentation(Pipelines.Augmentation.AugmentationOptions a, Action<string, string> fail)
    {
        void Range(string field, double value, double low, double high)
        {
            if (!(value >= low && value <= high)) fail($"augmentation.{field}", $"must be between {low} and {high} (got {value})");
        }
        void Pair(string field, double[]? pair, double low, double high)
        {
            if (pair is null) return;
            if (pair.Length != 2) fail($"augmentation.{field}", $"needs two values, [low, high] (got {pair.Length})");
            if (!(pair[0] >= low && pair[1] <= high && pair[0] <= pair[1])) fail($"augmentation.{field}", $"needs {low} <= low <= high <= {high} (got [{pair[0]}, {pair[1]}])");
        }
        Range("rotationRange", a.RotationRange, 0, 180);
        Range("widthShiftRange", a.WidthShiftRange, 0, 4096);
        Range("heightShiftRange", a.HeightShiftRange, 0, 4096);
        Range("shearRange", a.ShearRange, 0, 60);
        Range("zoomRange", a.ZoomRange, 0, 0.9);
        Range("fillValue", a.FillValue, 0, 255);
        Pair("brightnessRange", a.BrightnessRange, 0, 10);
        Pair("contrastRange", a.ContrastRange, 0, 10);
        Pair("cropScale", a.CropScale, 0.01, 1);
    }

    static void ValidateClassifier(ClassifierConfig classifier, Action<string, string> fail)
    {
        for (var i = 0; i < (classifier.HiddenUnits?.Length ?? 0); i++)
            if (classifier.HiddenUnits![i] is < 1 or > 65536) fail($"classifier.hiddenUnits[{i}]", $"must be between 1 and 65536 (got {classifier.HiddenUnits[i]})");
        if (classifier.Dropout is < 0 or >= 1 || double.IsNaN(classifier.Dropout)) fail("classifier.dropout", $"must be at least 0 and below 1 (got {classifier.Dropout})");
    }

    static void ValidateTraining(TrainingMode mode, TrainingSettings training, Action<string, string> fail)
    {
        training.Validate((field, message) => fail($"training.{field}", message));
        var phases = training.Phases ?? [];
        for (var i = 0; i < phases.Count; i++)
        {
            var plan = phases[i].Unfreeze ?? new FreezingPlan();
            var ways = plan.WaysGiven;
            var at = $"training.phases[{i}]";
            if (mode == TrainingMode.FrozenBase && ways > 0 && plan.TopStages != 0)
                fail($"{at}.unfreeze", "frozen-base keeps the whole backbone frozen; use mode fine-tune to train backbone layers");
            if (mode == TrainingMode.FromScratch && ways > 0 && !plan.All)
                fail($"{at}.unfreeze", "from-scratch trains every layer of a new network; leave unfreeze out or set { \"all\": true }");
        }
    }

    static void ValidateDataset(ExperimentDefinition definition, Action<string, string> fail)
    {
        var dataset = definition.Config.Dataset;
        if (dataset.Labels is { } labels) ValidateLabels(definition, labels, fail);
        var separate = new[] { ("train", dataset.Train), ("validation", dataset.Validation), ("test", dataset.Test) };
        var givenSeparate = separate.Where(f => f.Item2 is not null).ToList();

        if (dataset.Root is null && givenSeparate.Count == 0)
            fail("dataset", "give either root (one sub-folder per class) or train, validation and test folders (or train and heldOut)");
        if (dataset.Root is not null && givenSeparate.Count > 0)
            fail($"dataset.{givenSeparate[0].Item1}", "give either root with split, or separate train/validation/test folders, not both");

        if (dataset.HeldOut is { } heldOut)
        {
            if (dataset.Root is not null) fail("dataset.heldOut", "goes with train, not with root; root is split by split");
            if (dataset.Validation is not null || dataset.Test is not null)
                fail(dataset.Validation is not null ? "dataset.validation" : "dataset.test", "give either validation and test folders or heldOut, not both");
            if (string.IsNullOrWhiteSpace(heldOut.Root)) fail("dataset.heldOut.root", "required: the folder to split into validation and test");
            RequireFolder(definition, "dataset.heldOut.root", heldOut.Root, fail);
            if (heldOut.Validation is < 0) fail("dataset.heldOut.validation", $"must be 0 or more (got {heldOut.Validation})");
            if (heldOut.Test is < 1) fail("dataset.heldOut.test", $"must be at least 1 (got {heldOut.Test})");
        }

        if (dataset.Root is null)
        {
            foreach (var (name, folder) in dataset.HeldOut is null ? separate : separate[..1])
            {
                if (folder is null) fail($"dataset.{name}", dataset.HeldOut is null ? "required with separate folders (train, validation and test)" : "required with heldOut");
                RequireFolder(definition, $"dataset.{name}", folder!, fail);
            }
            if (dataset.Split is not null) fail("dataset.split", "applies to root only; separate folders are already split");
            if (dataset.Synthetic is not null) fail("dataset.synthetic", "applies to root only");
            return;
        }

        if (dataset.Synthetic is { } synthetic)
        {
            if (dataset.Labels is { FileName: not null } or { Csv: not null })
                fail("dataset.labels", "the synthetic dataset is written one folder per class; leave labels out");
            if (synthetic.ImagesPerClass is < 10 or > 100_000)
                fail("dataset.synthetic.imagesPerClass", $"must be between 10 and 100000 (got {synthetic.ImagesPerClass})");
            if (synthetic.Classes < 2 || synthetic.Classes > Data.SyntheticPets.AllClasses.Count)
                fail("dataset.synthetic.classes", $"must be between 2 and {Data.SyntheticPets.AllClasses.Count} ({string.Join(", ", Data.SyntheticPets.AllClasses)}; got {synthetic.Classes})");
            if (synthetic.ImageSize is < 64 or > 2048)
                fail("dataset.synthetic.imageSize", $"must be between 64 and 2048 (got {synthetic.ImageSize})");
        }
        else
        {
            RequireFolder(definition, "dataset.root", dataset.Root, fail);
        }

        if (dataset.Split is { } split)
        {
            foreach (var (name, value) in new[] { ("train", split.Train), ("validation", split.Validation), ("test", split.Test) })
                if (value is < 0 or > 1 || double.IsNaN(value)) fail($"dataset.split.{name}", $"must be between 0 and 1 (got {value})");
            if (split.Train <= 0) fail("dataset.split.train", "must be above 0");
            if (split.Test <= 0) fail("dataset.split.test", "must be above 0");
            var sum = split.Train + split.Validation + split.Test;
            if (Math.Abs(sum - 1) > 1e-6) fail("dataset.split", $"train + validation + test must be 1 (got {sum:0.######})");
        }
    }

    static void ValidateLabels(ExperimentDefinition definition, LabelsConfig labels, Action<string, string> fail)
    {
        if (labels.FileName is not null && labels.Csv is not null) fail("dataset.labels", "give either fileName (a pattern) or csv (a file), not both");
        if (labels.Csv is null && (labels.FileColumn != "file" || labels.LabelColumn != "label"))
            fail(labels.FileColumn != "file" ? "dataset.labels.fileColumn" : "dataset.labels.labelColumn", "applies to csv only");
        if (labels.FileName is { } pattern)
        {
            try { _ = new Data.FileNameLabels(pattern); }
            catch (ArgumentException e) { fail("dataset.labels.fileName", $"'{pattern}' {(e is RegexParseException ? $"is not a regular expression: {e.Message}" : e.Message)}"); }
        }
        if (labels.Csv is not { } csv) return;
        var path = definition.Resolve(csv);
        if (!File.Exists(path)) fail("dataset.labels.csv", $"file not found: {path}");
        var header = Data.CsvLabels.Columns(path);
        if (header.Count == 0) fail("dataset.labels.csv", $"{path} is empty; it needs a header line naming its columns");
        foreach (var (field, column) in new[] { ("fileColumn", labels.FileColumn), ("labelColumn", labels.LabelColumn) })
            if (!header.Contains(column))
            {
                var close = ExperimentConfigReader.Closest(column, header) is { } c ? $"; did you mean '{c}'?" : "";
                fail($"dataset.labels.{field}", $"{path} has no column '{column}'{close} Its columns: {string.Join(", ", header)}");
            }
    }

    static void RequireFolder(ExperimentDefinition definition, string field, string folder, Action<string, string> fail)
    {
        var full = definition.Resolve(folder);
        if (!Directory.Exists(full)) fail(field, $"folder not found: {full}");
    }

    static void ValidateBackbone(ExperimentDefinition definition, Action<string, string> fail)
    {
        var scratch = definition.Config.Mode == TrainingMode.FromScratch;
        var backbone = definition.Config.Backbone;
        if (backbone is null) return;
        if (scratch && backbone.Name != ModeDefaults.SmallConvnet)
            fail("backbone", $"from-scratch trains the book's small convnet from random weights; leave backbone out or name {ModeDefaults.SmallConvnet}");
        if (!scratch && backbone.Name == ModeDefaults.SmallConvnet)
            fail("backbone.name", $"{ModeDefaults.SmallConvnet} has random weights and is only for mode from-scratch");
        if (backbone.Name is not null && backbone.Onnx is not null)
            fail("backbone", "give either name (a bundled backbone) or onnx (your model's path), not both");
        if (backbone.BatchNormalization is not null && backbone.Name != ModeDefaults.SmallConvnet)
            fail("backbone.batchNormalization", $"applies to {ModeDefaults.SmallConvnet} only; a pretrained backbone keeps its own layers");
        if (backbone.Name is { } name && name != ModeDefaults.SmallConvnet && !Backbones.BundledBackbones.Names.Contains(name))
            fail("backbone.name", $"unknown backbone '{name}'; bundled: {string.Join(", ", Backbones.BundledBackbones.Names)}, and {ModeDefaults.SmallConvnet} for from-scratch");

        if (backbone.Onnx is null)
        {
            if (backbone.InputName is not null) fail("backbone.inputName", "applies to onnx only; bundled backbones know their input");
            if (backbone.OutputName is not null) fail("backbone.outputName", "applies to onnx only; bundled backbones know their output");
            if (backbone.Preprocessing is not null) fail("backbone.preprocessing", "applies to onnx only; bundled backbones know their preprocessing");
            return;
        }

        var model = definition.Resolve(backbone.Onnx);
        if (!File.Exists(model)) fail("backbone.onnx", $"file not found: {model}");
        if (backbone.Preprocessing is not { } preprocessing) return;
        if (!(preprocessing.Scale > 0) || float.IsInfinity(preprocessing.Scale))
            fail("backbone.preprocessing.scale", $"must be a positive number (got {preprocessing.Scale})");
        if (preprocessing.Mean is { Length: not 3 } mean)
            fail("backbone.preprocessing.mean", $"needs 3 values, one per channel (got {mean.Length})");
        if (preprocessing.Std is { } std)
        {
            if (std.Length != 3) fail("backbone.preprocessing.std", $"needs 3 values, one per channel (got {std.Length})");
            if (std.Any(s => !(s > 0))) fail("backbone.preprocessing.std", "every value must be above 0");
        }
    }

    static void ValidateHead(HeadConfig head, Action<string, string> fail)
    {
        var linear = head.Trainer is HeadTrainer.LbfgsMaximumEntropy or HeadTrainer.SdcaMaximumEntropy;
        var trainer = ConfigJson.Name(head.Trainer);
        void Only(bool applies, string field, object? value, string owners)
        {
            if (value is not null && !applies) fail($"head.{field}", $"does not apply to trainer {trainer}; it is for {owners}");
        }

        Only(linear, "l1Regularization", head.L1Regularization, "lbfgs-maximum-entropy and sdca-maximum-entropy");
        Only(linear, "l2Regularization", head.L2Regularization, "lbfgs-maximum-entropy and sdca-maximum-entropy");
        Only(linear, "maximumIterations", head.MaximumIterations, "lbfgs-maximum-entropy and sdca-maximum-entropy");
        var boosted = head.Trainer == HeadTrainer.LightGbm;
        Only(boosted, "numberOfIterations", head.NumberOfIterations, "light-gbm");
        Only(boosted, "numberOfLeaves", head.NumberOfLeaves, "light-gbm");
        Only(boosted, "learningRate", head.LearningRate, "light-gbm");
        Only(boosted, "minimumExampleCountPerLeaf", head.MinimumExampleCountPerLeaf, "light-gbm");

        if (head.L1Regularization is < 0) fail("head.l1Regularization", $"must be 0 or more (got {head.L1Regularization})");
        if (head.L2Regularization is < 0) fail("head.l2Regularization", $"must be 0 or more (got {head.L2Regularization})");
        if (head.MaximumIterations is < 1) fail("head.maximumIterations", $"must be 1 or more (got {head.MaximumIterations})");
        if (head.NumberOfIterations is < 1) fail("head.numberOfIterations", $"must be 1 or more (got {head.NumberOfIterations})");
        if (head.NumberOfLeaves is < 2) fail("head.numberOfLeaves", $"must be 2 or more (got {head.NumberOfLeaves})");
        if (head.LearningRate is { } rate && !(rate > 0)) fail("head.learningRate", $"must be above 0 (got {rate})");
        if (head.MinimumExampleCountPerLeaf is < 1) fail("head.minimumExampleCountPerLeaf", $"must be 1 or more (got {head.MinimumExampleCountPerLeaf})");
    }


    [GeneratedRegex("^[A-Za-z0-9._-]+$")]
    private static partial Regex SafeName();
}
