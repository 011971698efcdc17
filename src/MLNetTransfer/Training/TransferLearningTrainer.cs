using System.Globalization;
using System.Text;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLNetTransfer.Backbones;
using MLNetTransfer.Backbones.Export;
using MLNetTransfer.Backbones.Import;
using MLNetTransfer.Core;
using MLNetTransfer.Data;
using Microsoft.ML.Runtime;
using MLNetTransfer.Pipelines;
using MLNetTransfer.Pipelines.Augmentation;
using static TorchSharp.torch;

namespace MLNetTransfer.Training;

/// <summary>
/// An ML.NET multiclass trainer that trains through an ONNX backbone with TorchSharp: a new classifier head, the
/// backbone frozen or partly unfrozen phase by phase (<see cref="TrainingSettings"/>). Like ML.NET's
/// ImageClassificationTrainer it takes an image column (here the backbone's input tensor, from
/// <see cref="BackboneCatalog.PrepareBackboneInput"/>) and a key-typed label column. <see cref="Fit(IDataView)"/> writes the trained
/// network as ONNX (<see cref="NetworkFileName"/>) and returns stock ML.NET transforms over it (ApplyOnnxModel, then
/// Score and PredictedLabel), so the saved model needs ML.NET and ONNX Runtime only.
/// </summary>
public sealed class TransferLearningTrainer(MLContext ml, TransferLearningTrainer.Options options) : IEstimator<ITransformer>
{
    public const string NetworkFileName = "network.onnx";

    const string DefaultScoreColumn = "Score";

    /// <summary>Options of <see cref="TransferLearningTrainer"/>; each default is stated on its field.</summary>
    public sealed class Options
    {
        /// <summary>Key-typed label column; its key values name the classes. Default: Label.</summary>
        public string LabelColumnName { get; set; } = "Label";

        /// <summary>The backbone input tensor, a float vector [3 * height * width]. Default: Pixels.</summary>
        public string FeatureColumnName { get; set; } = "Pixels";

        /// <summary>The output column of class probabilities (the softmax of the logits). Default: Score.</summary>
        public string ScoreColumnName { get; set; } = "Score";

        /// <summary>The output column of the predicted class, a key of the label's type. Default: PredictedLabel.</summary>
        public string PredictedLabelColumnName { get; set; } = "PredictedLabel";

        /// <summary>The backbone network (its ONNX file, input and output). Required.</summary>
        public OnnxStage? Backbone { get; set; }

        /// <summary>
        /// A graph from the feature column's pixels to the backbone's input (e.g. ResNet18's mean subtraction). Given,
        /// the feature column holds ExtractPixels' output and augmentation acts on real pixels. Default: none (the
        /// feature column already is the backbone's input).
        /// </summary>
        public OnnxStage? Preprocessor { get; set; }

        /// <summary>Widths of the head's hidden dense layers. Default: none (a linear classifier).</summary>
        public IReadOnlyList<int> HiddenUnits { get; set; } = [];

        /// <summary>Dropout before each of the head's dense layers, at least 0 and below 1. Default: 0.</summary>
        public double Dropout { get; set; }

        /// <summary>Phases, batch size, loss, early stopping, precision, memory. Default: <see cref="TrainingSettings"/>' defaults.</summary>
        public TrainingSettings Training { get; set; } = new();

        /// <summary>
        /// Seeds the head's initial weights, shuffling, dropout and augmentation. Default: null, drawn from the
        /// MLContext's random source, as ML.NET's trainers do (so <c>new MLContext(seed)</c> makes a fit repeatable).
        /// </summary>
        public int? Seed { get; set; }

        /// <summary>
        /// Random changes to each training image, new every epoch (needs <see cref="PixelScale"/> when the feature
        /// column holds ExtractPixels' output scaled). Validation images are never changed. Default: none.
        /// </summary>
        public AugmentationOptions? Augmentation { get; set; }

        /// <summary>
        /// Test-time augmentation in the exported network: average the probabilities of each image and its flipped
        /// copies (see <see cref="Backbones.Export.TestTimeAugmentation"/>). Default: none.
        /// </summary>
        public TestTimeAugmentation TestTimeAugmentation { get; set; }

        /// <summary>
        /// The saved chain also outputs <see cref="HeatmapOutput.Name"/>: the Grad-CAM map of the predicted class at the
        /// backbone's explained layer (<see cref="ExplainedLayer.Default"/>), computed in the exported network with no
        /// gradient (<see cref="HeatmapOutput"/>). Refused before training for a backbone with anything but pooling or
        /// reshaping after that layer. Default: false.
        /// </summary>
        public bool Heatmap { get; set; }

        /// <summary>Data (same columns) to pick the best epoch and stop early on. Default: none.</summary>
        public IDataView? ValidationSet { get; set; }

        /// <summary>Folder the trained network (<see cref="NetworkFileName"/>) is written to. Required.</summary>
        public string? ModelFolder { get; set; }

        /// <summary>Where a checkpoint is written after each epoch. Default: none.</summary>
        public string? CheckpointFolder { get; set; }

        /// <summary>Continue from the checkpoint in <see cref="CheckpointFolder"/>, which it then needs. Default: false.</summary>
        public bool Resume { get; set; }

        /// <summary>
        /// The scale ExtractPixels applied (its <c>scaleImage</c>) when the feature column holds its output: the images are
        /// then kept as bytes while training, a quarter of float32's size. Default: null (kept as float32).
        /// </summary>
        public float? PixelScale { get; set; }

        /// <summary>
        /// A folder where the decoded training and validation images are kept between fits (<see cref="ImageStore"/>),
        /// found by <see cref="PixelsKey"/> and the files named in the ImagePath column, with their sizes and modification
        /// times: a later fit on the same files decodes nothing, and a changed file makes its set decode again. Default:
        /// null (a temporary file in <see cref="ModelFolder"/> for each fit, or when the data has no ImagePath column).
        /// </summary>
        public string? ImageCacheFolder { get; set; }

        /// <summary>
        /// Sweep the first phase's learning rate before training (<see cref="FindLearningRate"/>), leaving the weights
        /// as they were; the result is <see cref="Sweep"/>. Default: null, no sweep.
        /// </summary>
        public LearningRateSweepOptions? LearningRateSweep { get; set; }

        /// <summary>Everything the feature column's pixels depend on besides the files (size, channel order, scale, orientation), for <see cref="ImageCacheFolder"/>. Default: empty.</summary>
        public string PixelsKey { get; set; } = "";
    }

    readonly Options options = Validated(options);

    // Checked when the trainer is made, as ML.NET's trainers check their arguments; each message names the option.
    static Options Validated(Options options)
    {
        ArgumentNullException.ThrowIfNull(options);
        void Check(bool wrong, string option, string reason)
        {
            if (wrong) throw new TrainerOptionException(option, option, reason);
        }
        Check(options.Backbone is null, nameof(Options.Backbone), "is required: the ONNX network to train through");
        Check(string.IsNullOrWhiteSpace(options.ModelFolder), nameof(Options.ModelFolder), "is required: the folder the trained network is written to");
        foreach (var (name, column) in new[] { (nameof(Options.LabelColumnName), options.LabelColumnName), (nameof(Options.FeatureColumnName), options.FeatureColumnName),
                     (nameof(Options.ScoreColumnName), options.ScoreColumnName), (nameof(Options.PredictedLabelColumnName), options.PredictedLabelColumnName) })
            Check(string.IsNullOrWhiteSpace(column), name, "must name a column");
        Check(options.ScoreColumnName == options.PredictedLabelColumnName, nameof(Options.PredictedLabelColumnName), $"must differ from ScoreColumnName ('{options.ScoreColumnName}')");
        // ML.NET's scorer always names its scores Score, and they are renamed after it.
        Check(options.PredictedLabelColumnName == DefaultScoreColumn, nameof(Options.PredictedLabelColumnName), $"cannot be '{DefaultScoreColumn}' when the scores are renamed");
        for (var i = 0; i < options.HiddenUnits.Count; i++)
            Check(options.HiddenUnits[i] < 1, $"{nameof(Options.HiddenUnits)}[{i}]", $"must be 1 or more (got {options.HiddenUnits[i]})");
        Check(options.Dropout is < 0 or >= 1 || double.IsNaN(options.Dropout), nameof(Options.Dropout), $"must be at least 0 and below 1 (got {options.Dropout})");
        Check(options.PixelScale is { } scale && !(scale > 0), nameof(Options.PixelScale), $"must be above 0 (got {options.PixelScale})");
        Check(options.Resume && options.CheckpointFolder is null, nameof(Options.Resume), "needs CheckpointFolder: the checkpoint to continue from");
        ArgumentNullException.ThrowIfNull(options.Training, $"{nameof(Options)}.{nameof(Options.Training)}");
        options.Training.Validate(FailTraining);
        return options;
    }

    // The settings' own rules, the config's: the message says the field as a config spells it.
    static void FailTraining(string field, string message) =>
        throw new TrainerOptionException($"{nameof(Options.Training)}.{char.ToUpperInvariant(field[0])}{field[1..]}", field, message);

    /// <summary>The epochs of the last <see cref="Fit(IDataView)"/>, those of the checkpoint it resumed from first.</summary>
    public IReadOnlyList<EpochReport> History { get; private set; } = [];

    /// <summary>
    /// The training and validation images the last <see cref="Fit(IDataView)"/> left out because they could not be
    /// decoded (a file that changed after it was checked), named from the ImagePath column where the data has one.
    /// </summary>
    public IReadOnlyList<SkippedFile> SkippedImages { get; private set; } = [];

    /// <summary>The learning-rate sweep of the last fit, with <see cref="Options.LearningRateSweep"/>; null without.</summary>
    public LearningRateSweep? Sweep { get; private set; }

    /// <summary>What the last fit chose for the user: a cache that did not fit the memory budget, and what was done instead.</summary>
    public IReadOnlyList<string> Notices { get; private set; } = [];

    public ITransformer Fit(IDataView input) => Fit(input, null);

    /// <summary>Trains, telling <paramref name="onEpoch"/> after each epoch; stops between batches when <paramref name="cancellation"/> fires.</summary>
    public ITransformer Fit(IDataView input, Action<EpochReport>? onEpoch, CancellationToken cancellation = default)
    {
        using var session = Open(input, withValidation: true, cancellation);
        var (backbone, head, outputShape, heatmap) = (session.Network.Backbone, session.Network.Head, session.OutputShape, session.Heatmap);
        if (options.LearningRateSweep is { } sweep) Sweep = session.Loop.Sweep(session.Train.Images, sweep, cancellation);
        var notices = new List<string>();
        History = session.Loop.Run(session.Train.Images, session.Validation?.Images, onEpoch, options.Resume, cancellation, notices.Add);
        Notices = notices;
        SkippedImages = [.. session.Train.Skipped(), .. session.Validation?.Skipped() ?? []];

        var path = Path.Combine(options.ModelFolder!, NetworkFileName);
        NetworkExport.Write(backbone, head.DenseLayers, path, [1, .. outputShape[1..]], options.TestTimeAugmentation, heatmap);

        var network = options.Backbone! with { Path = path, OutputName = NetworkExport.LogitsName };
        var (scoring, _) = ml.Transforms.ApplyOnnxStages(options.Preprocessor is { } preprocessing ? [preprocessing, network] : [network], options.FeatureColumnName, network,
            heatmap is null ? [] : [HeatmapOutput.Name]);
        var onnx = scoring.Fit(input);
        var logits = onnx.GetOutputSchema(input.Schema)[NetworkExport.LogitsName];
        var classifier = LogitsClassifier.Create(ml, logits, session.Classes, options.PredictedLabelColumnName);
        if (options.ScoreColumnName == DefaultScoreColumn) return new TransformerChain<ITransformer>(onnx, classifier);
        var scored = classifier.Transform(onnx.Transform(input));
        var renamed = ml.Transforms.CopyColumns(options.ScoreColumnName, DefaultScoreColumn).Append(ml.Transforms.DropColumns(DefaultScoreColumn)).Fit(scored);
        return new TransformerChain<ITransformer>(onnx, classifier, renamed);
    }

    /// <summary>
    /// Sweeps the learning rate of the first phase over the training images, as fastai's <c>lr_find</c>: the loss at
    /// each rate and the rate it suggests (<see cref="LearningRateSweep"/>). Nothing is trained or written: the network
    /// the sweep moved is thrown away.
    /// </summary>
    public LearningRateSweep FindLearningRate(IDataView input, LearningRateSweepOptions sweep, Action<int>? onStep = null, CancellationToken cancellation = default)
    {
        using var session = Open(input, withValidation: false, cancellation);
        return session.Loop.Sweep(session.Train.Images, sweep, cancellation, onStep);
    }

    // The images stored, the backbone imported with a new head, and the loop that trains them.
    Session Open(IDataView input, bool withValidation, CancellationToken cancellation)
    {
        TorchRuntime.EnsureStarted();
        var backboneStage = options.Backbone!;
        CheckColumns(input.Schema.Where(c => !c.IsHidden).Select(c => new ColumnShape(c.Name,
            c.Type is VectorDataViewType { IsKnownSize: true } vector && vector.ItemType == NumberDataViewType.Single, c.Type is KeyDataViewType)));
        var classes = Classes(input.Schema[options.LabelColumnName]);
        var first = options.Preprocessor ?? backboneStage;
        var inputShape = OnnxModelInfo.Read(first.Path).Inputs.Single(i => i.Name == first.InputName).Shape;
        long[] imageShape = [.. inputShape.Skip(1).Select(d => d ?? throw new InvalidOperationException($"{first.Path}: the input '{first.InputName}' has a free dimension besides the batch"))];
        options.Training.ValidateMemoryBudget(imageShape, FailTraining);
        Directory.CreateDirectory(options.ModelFolder!);
        var session = new Session { Classes = classes };
        try
        {
            session.Train = Store(input, imageShape, cancellation);
            session.Validation = withValidation && options.ValidationSet is { } validation ? Store(validation, imageShape, cancellation) : null;
            // Like ML.NET's trainers: without a seed of its own, the context's random source gives one.
            var seed = options.Seed ?? ((IHostEnvironment)ml).Register(nameof(TransferLearningTrainer)).Rand.Next();
            manual_seed(seed);
            var backbone = OnnxGraphModule.Load(backboneStage.Path, backboneStage.InputName, backboneStage.OutputName);
            session.Preprocessor = options.Preprocessor is { } pre ? OnnxGraphModule.Load(pre.Path, pre.InputName, pre.OutputName) : null;
            (session.OutputShape, session.Heatmap) = Shapes(backbone, session.Preprocessor, session.Train.Images, options.Heatmap ? backboneStage : null);
            session.Network = new TransferNetwork(backbone, new ClassifierHead(session.OutputShape[1], options.HiddenUnits, classes.Count, options.Dropout));
            var augmentation = options.Augmentation is { ChangesImages: true } changes ? new ImageAugmenter(changes, seed, options.PixelScale ?? 1f) : null;
            session.Loop = new TransferTrainingLoop(session.Network, options.Training, seed, augmentation, options.CheckpointFolder, session.Preprocessor, options.ModelFolder);
            return session;
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    sealed class Session : IDisposable
    {
        public IReadOnlyList<string> Classes { get; init; } = [];
        public StoredImages Train { get; set; } = null!;
        public StoredImages? Validation { get; set; }
        public OnnxGraphModule? Preprocessor { get; set; }
        public TransferNetwork Network { get; set; } = null!;
        public TransferTrainingLoop Loop { get; set; } = null!;
        public long[] OutputShape { get; set; } = [];
        public HeatmapLayer? Heatmap { get; set; }

        public void Dispose()
        {
            Network?.Dispose();
            Preprocessor?.Dispose();
            Validation?.Dispose();
            Train?.Dispose();
        }
    }

    /// <summary>
    /// The input's columns, the network's logits (and <see cref="HeatmapOutput.Name"/> with <see cref="Options.Heatmap"/>),
    /// and the two the classifier adds: Score and PredictedLabel.
    /// </summary>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        CheckColumns(inputSchema.Select(c => new ColumnShape(c.Name, c.Kind == SchemaShape.Column.VectorKind.Vector && c.ItemType == NumberDataViewType.Single, c.IsKey)));
        // SchemaShape's columns cannot be made outside ML.NET; copies have the very shapes wanted: the scores, logits and
        // heat-map a known-size float vector like the pixels, the predicted label the label's key type with its key values.
        IEstimator<ITransformer> columns = ml.Transforms.CopyColumns(NetworkExport.LogitsName, options.FeatureColumnName);
        if (options.Heatmap) columns = columns.Append(ml.Transforms.CopyColumns(HeatmapOutput.Name, options.FeatureColumnName));
        return columns
            .Append(ml.Transforms.CopyColumns(options.ScoreColumnName, options.FeatureColumnName))
            .Append(ml.Transforms.CopyColumns(options.PredictedLabelColumnName, options.LabelColumnName))
            .GetOutputSchema(inputSchema);
    }

    readonly record struct ColumnShape(string Name, bool FloatVector, bool Key);

    void CheckColumns(IEnumerable<ColumnShape> columns)
    {
        var schema = columns.ToList();
        if (!schema.Any(c => c.Name == options.FeatureColumnName && c.FloatVector))
            throw new ArgumentOutOfRangeException("inputSchema", $"column '{options.FeatureColumnName}' (Options.FeatureColumnName) must be a known-size vector of Single: the backbone's input");
        if (!schema.Any(c => c.Name == options.LabelColumnName && c.Key))
            throw new ArgumentOutOfRangeException("inputSchema", $"column '{options.LabelColumnName}' (Options.LabelColumnName) must be a key-typed label (use MapValueToKey)");
        // PrepareBackboneInput names its output after the preprocessing graph's output: data that holds it is preprocessed already.
        if (options.Preprocessor is { } pre && schema.Any(c => c.Name == pre.OutputName))
            throw new ArgumentOutOfRangeException("inputSchema", $"Options.Preprocessor is set, and the data already holds its output '{pre.OutputName}' " +
                "(PrepareBackboneInput applies it): give the pixels of ExtractBackbonePixels instead, or leave Preprocessor out");
    }

    static IReadOnlyList<string> Classes(DataViewSchema.Column label)
    {
        VBuffer<ReadOnlyMemory<char>> names = default;
        label.GetKeyValues(ref names);
        return names.DenseValues().Select(n => n.ToString()).ToList();
    }

    // The images of the feature column, decoded on a background task into a file, and their labels as 0-based class
    // indices (read first: a pass over the labels and paths decodes no image).
    StoredImages Store(IDataView data, long[] imageShape, CancellationToken cancellation)
    {
        var labelColumn = data.Schema[options.LabelColumnName];
        var pathColumn = data.Schema.GetColumnOrNull("ImagePath");
        var labels = new List<long>();
        var paths = new List<string>();
        using (var cursor = data.GetRowCursor(pathColumn is { } p ? [labelColumn, p] : [labelColumn]))
        {
            var getLabel = cursor.GetGetter<uint>(labelColumn);
            var getPath = pathColumn is { } column ? cursor.GetGetter<ReadOnlyMemory<char>>(column) : null;
            uint value = 0;
            ReadOnlyMemory<char> imagePath = default;
            while (cursor.MoveNext())
            {
                cancellation.ThrowIfCancellationRequested();
                getLabel(ref value);
                if (value == 0) throw new InvalidOperationException("a row has a missing label");
                labels.Add(value - 1);
                if (getPath is null) continue;
                getPath(ref imagePath);
                paths.Add(imagePath.ToString());
            }
        }
        string? kept = null;
        if (pathColumn is not null && options.ImageCacheFolder is not null)
        {
            // Only a kept file needs the files' sizes and times: without one, no file is looked at here.
            var key = new StringBuilder(options.PixelsKey).Append('\n').AppendJoin('x', imageShape).Append(' ')
                .Append(options.PixelScale?.ToString(CultureInfo.InvariantCulture)).Append('\n');
            foreach (var info in paths.Select(p => new FileInfo(p)))
                key.Append(info.FullName).Append('\t').Append(info.Exists ? info.Length : -1).Append('\t').Append(info.Exists ? info.LastWriteTimeUtc.Ticks : 0).Append('\n');
            kept = Path.Combine(options.ImageCacheFolder, FileNames.ForKey(key.ToString(), ".images"));
        }
        return new StoredImages(ImageStore.Build(data, options.FeatureColumnName, [.. labels], imageShape, options.PixelScale, kept, options.ModelFolder, cancellation), paths);
    }

    sealed class StoredImages(ImageStore images, IReadOnlyList<string> paths) : IDisposable
    {
        public ImageStore Images { get; } = images;

        public IEnumerable<SkippedFile> Skipped() => Images.Failed.OrderBy(f => f.Key)
            .Select(f => new SkippedFile(paths.Count > f.Key ? paths[f.Key] : $"row {f.Key + 1}", $"could not be decoded after the scan: {f.Value}"));

        public void Dispose() => Images.Dispose();
    }

    // The backbone output's shape from the first image, and, for the backbone in heatmapOf, the explained layer: checked
    // before any training, as the closed form needs only pooling and reshaping after it.
    static (long[] Output, HeatmapLayer? Heatmap) Shapes(OnnxGraphModule backbone, OnnxGraphModule? preprocessor, ImageStore images, OnnxStage? heatmapOf)
    {
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        backbone.eval();
        var first = images.Batches([[0]]).Single().ToTensor();
        var input = preprocessor?.forward(first) ?? first;
        var output = backbone.forward(input).shape;
        if (heatmapOf is null) return (output, null);
        try
        {
            return (output, HeatmapLayer.Find(backbone, Onnx.ModelProto.Parser.ParseFrom(File.ReadAllBytes(heatmapOf.Path)).Graph, input));
        }
        catch (DataException e)
        {
            throw new TrainerOptionException(nameof(Options.Heatmap), nameof(Options.Heatmap), e.Message);
        }
    }
}
