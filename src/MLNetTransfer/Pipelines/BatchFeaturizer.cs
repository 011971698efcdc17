using System.Collections.Concurrent;
using Google.Protobuf;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.OnnxRuntime;
using MLNetTransfer.Backbones;
using MLNetTransfer.Core;
using Onnx;

namespace MLNetTransfer.Pipelines;

/// <summary>
/// The backbone's features of many photos, as the saved model computes them photo by photo, in two overlapped stages:
/// the model's own pixel chain decodes on a worker thread, a few batches ahead, while ONNX Runtime scores batches on
/// copies of the backbone's graphs with their batch dimension left free. ML.NET's ApplyOnnxModel scores one row at a
/// time, in the thread that decodes; model.zip keeps that chain, and feature extraction runs this. Convolution,
/// normalization and pooling compute each image of a batch alone, so the features match the chain's (tested). A graph
/// that will not take a batch (one that reshapes to a batch of one, say) is scored photo by photo.
/// </summary>
public sealed class BatchFeaturizer : IDisposable
{
    readonly MLContext ml;
    readonly Backbone backbone;
    readonly Lazy<ITransformer> pixels;
    readonly Scorer scorer;
    readonly bool ownsScorer;

    /// <param name="ml">The context whose pixel chain decodes.</param>
    /// <param name="backbone">The network and how to feed it.</param>
    /// <param name="pixels">
    /// Image path to the backbone's pixel column (<see cref="Backbone.PixelsName"/>), with any augmentation; default:
    /// <see cref="BackboneCatalog.ExtractBackbonePixels"/>.
    /// </param>
    /// <param name="batchSize">Images per ONNX Runtime call. Default: 16, the fastest measured for ResNet18 on two cores.</param>
    public BatchFeaturizer(MLContext ml, Backbone backbone, IEstimator<ITransformer>? pixels = null, int batchSize = 16)
        : this(ml, backbone, pixels, new Scorer(backbone, batchSize), ownsScorer: true)
    {
    }

    BatchFeaturizer(MLContext ml, Backbone backbone, IEstimator<ITransformer>? pixels, Scorer scorer, bool ownsScorer)
    {
        this.ml = ml;
        this.backbone = backbone;
        this.scorer = scorer;
        this.ownsScorer = ownsScorer;
        var estimator = pixels ?? ml.Transforms.ExtractBackbonePixels(backbone, backbone.PixelsName);
        this.pixels = new(() => estimator.Fit(ml.Data.LoadFromEnumerable(Array.Empty<ImageInput>())));
    }

    /// <summary>
    /// A featurizer with another pixel chain (an augmenting one, say) that scores on this one's ONNX Runtime sessions,
    /// so the backbone's weights and working memory are held once, not twice (measured: 0.4 GB for ResNet18). Disposing
    /// it leaves the sessions open; disposing this featurizer closes them.
    /// </summary>
    public BatchFeaturizer WithPixels(IEstimator<ITransformer> pixels) => new(ml, backbone, pixels, scorer, ownsScorer: false);

    /// <summary>
    /// The type of the Features column that <see cref="BackboneCatalog.ExtractBackboneFeatures"/> gives: the output's
    /// dimensions as the graph declares them, a free batch dimension read as one, as ML.NET reads it.
    /// </summary>
    public VectorDataViewType FeatureType => scorer.FeatureType;

    /// <summary>
    /// Each image's features, in order, <paramref name="passes"/> times over (an augmenting pixel chain draws anew on
    /// each pass). The worker stops when the caller stops reading; an image that fails to decode throws here, after the
    /// features of the images before it.
    /// </summary>
    public IEnumerable<float[]> Features(IReadOnlyList<string> imagePaths, int passes, CancellationToken cancellation = default)
    {
        var view = pixels.Value.Transform(ml.Data.LoadFromEnumerable(imagePaths.Select(p => new ImageInput { ImagePath = p })));
        for (var pass = 0; pass < passes; pass++)
            foreach (var row in Pass(view, cancellation))
                yield return row;
    }

    IEnumerable<float[]> Pass(IDataView view, CancellationToken cancellation)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        // Three batch buffers go round: one scored, two decoded ahead. Memory holds them, not the set, and allocates
        // nothing per image (a pooled array per image was dropped by the pool as garbage faster than it was collected).
        using var free = new BlockingCollection<float[]>();
        var batchSize = scorer.BatchSize;
        for (var i = 0; i < 3; i++) free.Add(new float[batchSize * scorer.ImageLength]);
        using var decoded = new BlockingCollection<(float[] Batch, int Count)>();
        var decoding = Task.Run(() => Decode(view, batchSize, free, decoded, stop.Token), stop.Token);
        try
        {
            foreach (var (batch, count) in decoded.GetConsumingEnumerable(stop.Token))
            {
                foreach (var row in scorer.Score(batch, count)) yield return row;
                free.Add(batch);
            }
            // The worker's error (a file that broke since the scan), once the images before it are out.
            decoding.GetAwaiter().GetResult();
        }
        finally
        {
            stop.Cancel();
            try { decoding.Wait(CancellationToken.None); } catch (AggregateException) { } // its error, if any, was thrown above
        }
    }

    void Decode(IDataView view, int batchSize, BlockingCollection<float[]> free, BlockingCollection<(float[] Batch, int Count)> decoded, CancellationToken stop)
    {
        try
        {
            var column = view.Schema[backbone.PixelsName];
            using var cursor = SerialCursor.Over(view, [column]);
            var getter = cursor.GetGetter<VBuffer<float>>(column);
            var values = default(VBuffer<float>);
            var imageLength = scorer.ImageLength;
            var (batch, count) = (free.Take(stop), 0);
            while (cursor.MoveNext())
            {
                getter(ref values);
                values.GetValues().CopyTo(batch.AsSpan(count * imageLength, imageLength));
                if (++count < batchSize) continue;
                decoded.Add((batch, count), stop);
                (batch, count) = (free.Take(stop), 0);
            }
            if (count > 0) decoded.Add((batch, count), stop);
        }
        finally
        {
            decoded.CompleteAdding();
        }
    }

    /// <summary>
    /// The ONNX model in <paramref name="bytes"/> with the first dimension of its inputs and outputs left free. The shapes
    /// recorded inside it were inferred for the fixed batch, so they go, and ONNX Runtime infers them again.
    /// </summary>
    public static byte[] WithFreeBatch(byte[] bytes)
    {
        var model = ModelProto.Parser.ParseFrom(bytes);
        var initializers = model.Graph.Initializer.Select(i => i.Name).ToHashSet();
        foreach (var value in model.Graph.Input.Where(i => !initializers.Contains(i.Name)).Concat(model.Graph.Output))
            if (value.Type?.TensorType?.Shape?.Dim is [var first, ..])
                first.DimParam = "batch";
        model.Graph.ValueInfo.Clear();
        return model.ToByteArray();
    }

    public void Dispose()
    {
        if (ownsScorer) scorer.Dispose();
    }

    // The backbone's ONNX Runtime sessions and how many images they take at once; shared by featurizers that differ only
    // in their pixel chain.
    sealed class Scorer(Backbone backbone, int batchSize) : IDisposable
    {
        readonly Lazy<VectorDataViewType> featureType = new(() => FeatureTypeOf(backbone));
        readonly RunOptions runOptions = new();
        List<(OnnxStage Stage, InferenceSession Session)>? sessions;

        public int BatchSize { get; private set; } = batchSize >= 1 ? batchSize : throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "at least 1");

        public VectorDataViewType FeatureType => featureType.Value;

        /// <summary>Floats per image in a batch: three planes of the backbone's input size.</summary>
        public int ImageLength { get; } = 3 * backbone.Height * backbone.Width;

        // Features of the first count images in batch, row by row.
        public IEnumerable<float[]> Score(float[] batch, int count)
        {
            if (BatchSize > 1 && TryScore(batch, count) is { } rows) return rows;
            // Not a graph that takes a batch: from now on the original graphs, photo by photo.
            if (BatchSize > 1)
            {
                Close();
                BatchSize = 1;
            }
            return Enumerable.Range(0, count).SelectMany(i => TryScore(batch.AsSpan(i * ImageLength, ImageLength).ToArray(), 1)
                ?? throw new InvalidOperationException($"{backbone.Model.Path}: output '{backbone.Model.OutputName}' does not have the {FeatureType.Size} values per image it declares")).ToList();
        }

        List<float[]>? TryScore(float[] batch, int count)
        {
            sessions ??= Open(freeBatch: BatchSize > 1);
            var shape = new long[] { count, 3, backbone.Height, backbone.Width };
            using var input = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, batch.AsMemory(0, count * ImageLength), shape);
            var current = input;
            IDisposable? results = null; // the outputs current belongs to, kept until the next stage has read it
            try
            {
                foreach (var (stage, session) in sessions)
                {
                    var outputs = session.Run(runOptions, [stage.InputName], [current], [stage.OutputName]);
                    results?.Dispose();
                    (results, current) = (outputs, outputs[0]);
                }
                var values = current.GetTensorDataAsSpan<float>();
                var length = FeatureType.Size;
                if (values.Length != count * length || count > 1 && current.GetTensorTypeAndShape().Shape[0] != count) return null;
                var rows = new List<float[]>(count);
                for (var i = 0; i < count; i++) rows.Add(values.Slice(i * length, length).ToArray());
                return rows;
            }
            catch (OnnxRuntimeException) when (BatchSize > 1)
            {
                return null;
            }
            finally
            {
                results?.Dispose();
            }
        }

        List<(OnnxStage, InferenceSession)> Open(bool freeBatch) => backbone.Stages.Select(stage =>
        {
            using var options = new SessionOptions { IntraOpNumThreads = BackboneCatalog.OnnxThreads(stage == backbone.Model) };
            // Spinning threads would take the decoding worker's core while they wait (measured: slower with spinning).
            options.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
            var model = File.ReadAllBytes(stage.Path);
            return (stage, new InferenceSession(freeBatch ? WithFreeBatch(model) : model, options));
        }).ToList();

        static VectorDataViewType FeatureTypeOf(Backbone backbone)
        {
            var output = OnnxModelInfo.Read(backbone.Model.Path).Outputs.Single(o => o.Name == backbone.Model.OutputName);
            return new VectorDataViewType(NumberDataViewType.Single, output.Shape.Select(d => (int)(d ?? 1)).ToArray());
        }

        void Close()
        {
            foreach (var (_, session) in sessions ?? []) session.Dispose();
            sessions = null;
        }

        public void Dispose()
        {
            Close();
            runOptions.Dispose();
        }
    }
}
