using System.Globalization;
using System.Text;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLNetTransfer.Backbones;
using MLNetTransfer.Backbones.Export;
using MLNetTransfer.Backbones.Import;
using MLNetTransfer.Core;
using MLNetTransfer.Data;
using MLNetTransfer.Pipelines;
using static TorchSharp.torch;

namespace MLNetTransfer.Training;

/// <summary>
/// An ML.NET multiclass trainer that trains through an ONNX backbone with TorchSharp: a new classifier head, the
/// backbone frozen or partly unfrozen phase by phase (<see cref="TrainingSettings"/>). Like ML.NET's
/// ImageClassificationTrainer it takes an image column (here the backbone's input tensor, from
/// <see cref="BackboneCatalog.PrepareBackboneInput"/>) and a key-typed label column. <see cref="Fit"/> writes the trained
/// network as ONNX (<see cref="NetworkFileName"/>) and returns stock ML.NET transforms over it (ApplyOnnxModel, then
/// Score and PredictedLabel), so the saved model needs ML.NET and ONNX Runtime only.
/// </summary>
public sealed class TransferLearningTrainer(MLContext ml, TransferLearningTrainer.Options options) : IEstimator<ITransformer>
{
    public const string NetworkFileName = "network.onnx";

    /// <summary>Options of <see cref="TransferLearningTrainer"/>; each default is stated on its field.</summary>
    public sealed class Options
    {
        /// <summary>Key-typed label column; its key values name the classes. Default: Label.</summary>
        public string LabelColumnName { get; set; } = "Label";

        /// <summary>The backbone input tensor, a float vector [3 * height * width]. Default: Pixels.</summary>
        public string FeatureColumnName { get; set; } = "Pixels";

        /// <summary>The backbone network (its ONNX file, input and output). Required.</summary>
        public OnnxStage Backbone { get; set; } = null!;

        /// <summary>
        /// A graph from the feature column's pixels to the backbone's input (e.g. ResNet18's mean subtraction). Given,
        /// the feature column holds ExtractPixels' output and augmentation acts on real pixels. Default: none (the
        /// feature column already is the backbone's input).
        /// </summary>
        public OnnxStage? Preprocessor { get; set; }

        /// <summary>Widths of the head's hidden dense layers. Default: none (a linear classifier).</summary>
        public IReadOnlyList<int> HiddenUnits { get; set; } = [];

        /// <summary>Dropout before each of the head's dense layers. Default: 0.</summary>
        public double Dropout { get; set; }

        /// <summary>Phases, batch size, early stopping, seed, checkpoints. Default: <see cref="TrainingSettings"/>' defaults.</summary>
        public TrainingSettings Training { get; set; } = new();

        /// <summary>
        /// Test-time augmentation in the exported network: average the probabilities of each image and its flipped
        /// copies (see <see cref="Training.TestTimeFlips"/>). Default: none.
        /// </summary>
        public TestTimeFlips TestTimeFlips { get; set; }

        /// <summary>Data (same columns) to pick the best epoch and stop early on. Default: none.</summary>
        public IDataView? ValidationSet { get; set; }

        /// <summary>Folder the trained network (<see cref="NetworkFileName"/>) is written to. Required.</summary>
        public string ModelFolder { get; set; } = null!;

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

        /// <summary>Everything the feature column's pixels depend on besides the files (size, channel order, scale, orientation), for <see cref="ImageCacheFolder"/>. Default: empty.</summary>
        public string PixelsKey { get; set; } = "";

        /// <summary>Told once when a cache does not fit <see cref="TrainingSettings.MemoryBudgetMB"/>, and what is done instead. Default: none.</summary>
        public Action<string>? Notice { get; set; }

        /// <summary>Continue from the checkpoint in <see cref="TrainingSettings.CheckpointFolder"/>. Default: false.</summary>
        public bool Resume { get; set; }

        /// <summary>Called after each epoch. Default: none.</summary>
        public Action<EpochReport>? EpochCallback { get; set; }

        /// <summary>Stops training between batches. Default: none.</summary>
        public CancellationToken Cancellation { get; set; }
    }

    /// <summary>The epochs of the last <see cref="Fit"/>.</summary>
    public IReadOnlyList<EpochReport> History { get; private set; } = [];

    /// <summary>
    /// The training and validation images the last <see cref="Fit"/> left out because they could not be decoded (a
    /// file that changed after it was checked), named from the ImagePath column where the data has one.
    /// </summary>
    public IReadOnlyList<SkippedFile> SkippedImages { get; private set; } = [];

    public ITransformer Fit(IDataView input)
    {
        TorchRuntime.EnsureStarted();
        var classes = Classes(input.Schema[options.LabelColumnName]);
        var first = options.Preprocessor ?? options.Backbone;
        var inputShape = OnnxModelInfo.Read(first.Path).Inputs.Single(i => i.Name == first.InputName).Shape;
        long[] imageShape = [.. inputShape.Skip(1).Select(d => d ?? throw new InvalidOperationException("the backbone's input has a free dimension"))];
        Directory.CreateDirectory(options.ModelFolder);
        using var train = Store(input, imageShape);
        using var validation = options.ValidationSet is null ? null : Store(options.ValidationSet, imageShape);

        manual_seed(options.Training.Seed);
        var backbone = OnnxGraphModule.Load(options.Backbone.Path, options.Backbone.InputName, options.Backbone.OutputName);
        using var preprocessor = options.Preprocessor is { } pre ? OnnxGraphModule.Load(pre.Path, pre.InputName, pre.OutputName) : null;
        var outputShape = OutputShape(backbone, preprocessor, train.Images);
        var head = new ClassifierHead(outputShape[1], options.HiddenUnits, classes.Count, options.Dropout);
        using var trained = new TransferNetwork(backbone, head);
        History = new TransferTrainingLoop(trained, options.Training, preprocessor, options.ModelFolder)
            .Run(train.Images, validation?.Images, options.EpochCallback, options.Resume, options.Cancellation, options.Notice);
        SkippedImages = [.. train.Skipped(), .. validation?.Skipped() ?? []];

        var path = Path.Combine(options.ModelFolder, NetworkFileName);
        NetworkExport.Write(backbone, head, path, [1, .. outputShape[1..]], options.TestTimeFlips);

        var network = options.Backbone with { Path = path, OutputName = NetworkExport.LogitsName };
        var (scoring, _) = ml.Transforms.ApplyOnnxStages(options.Preprocessor is { } preprocessing ? [preprocessing, network] : [network], options.FeatureColumnName, network);
        var onnx = scoring.Fit(input);
        var logits = onnx.GetOutputSchema(input.Schema)[NetworkExport.LogitsName];
        return new TransformerChain<ITransformer>(onnx, LogitsClassifier.Create(ml, logits, classes));
    }

    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        var features = inputSchema.FirstOrDefault(c => c.Name == options.FeatureColumnName);
        if (features.Name is null || features.Kind != SchemaShape.Column.VectorKind.Vector || features.ItemType != NumberDataViewType.Single)
            throw new ArgumentOutOfRangeException(nameof(inputSchema), $"column '{options.FeatureColumnName}' must be a known-size vector of Single (the backbone's input)");
        var label = inputSchema.FirstOrDefault(c => c.Name == options.LabelColumnName);
        if (label.Name is null || !label.IsKey)
            throw new ArgumentOutOfRangeException(nameof(inputSchema), $"column '{options.LabelColumnName}' must be a key-typed label (use MapValueToKey)");
        // The output columns (logits, Score, PredictedLabel) are only known once the network is exported.
        return inputSchema;
    }

    static IReadOnlyList<string> Classes(DataViewSchema.Column label)
    {
        VBuffer<ReadOnlyMemory<char>> names = default;
        label.GetKeyValues(ref names);
        return names.DenseValues().Select(n => n.ToString()).ToList();
    }

    // The images of the feature column, decoded on a background task into a file, and their labels as 0-based class
    // indices (read first: a pass over the labels and paths decodes no image).
    StoredImages Store(IDataView data, long[] imageShape)
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
                options.Cancellation.ThrowIfCancellationRequested();
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
        return new StoredImages(ImageStore.Build(data, options.FeatureColumnName, [.. labels], imageShape, options.PixelScale, kept, options.ModelFolder, options.Cancellation), paths);
    }

    sealed class StoredImages(ImageStore images, IReadOnlyList<string> paths) : IDisposable
    {
        public ImageStore Images { get; } = images;

        public IEnumerable<SkippedFile> Skipped() => Images.Failed.OrderBy(f => f.Key)
            .Select(f => new SkippedFile(paths.Count > f.Key ? paths[f.Key] : $"row {f.Key + 1}", $"could not be decoded after the scan: {f.Value}"));

        public void Dispose() => Images.Dispose();
    }

    static long[] OutputShape(OnnxGraphModule backbone, OnnxGraphModule? preprocessor, ImageStore images)
    {
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        backbone.eval();
        var first = images.Batches([[0]]).Single().ToTensor();
        return backbone.forward(preprocessor?.forward(first) ?? first).shape;
    }
}
