using Microsoft.ML;
using Microsoft.ML.Data;
using System.Text;
using MLNetTransfer.Core;

namespace MLNetTransfer.Pipelines;

/// <summary>
/// Runs a frozen featurizer over labelled images once and keeps the features in memory, so a head trainer that makes
/// many passes (L-BFGS, SDCA, boosting) never runs the backbone again: Keras' "fast feature extraction"; optionally
/// on disk too, so the next run on the same images does not either.
/// </summary>
internal static class FeatureCache
{
    /// <summary>
    /// A data view with a Label (text) and a Features (float vector) column: the rows of every source, in order. Each
    /// source makes <see cref="Source.Passes"/> passes over the images; a featurizer that augments gives different
    /// features on each pass, so its rows hold that many copies of every image. With a
    /// <paramref name="storeFolder"/>, a source's features are kept there as a file named for the source's
    /// <see cref="Source.Key"/> and the images (paths, sizes, modification times), and read back instead of recomputed
    /// when all of those match: a run that changes only the head skips the backbone.
    /// </summary>
    /// <param name="ml">The context.</param>
    /// <param name="images">The images and their labels.</param>
    /// <param name="sources">The featurizers, run in order.</param>
    /// <param name="cancellation">Stops between rows; the chunks already written stay.</param>
    /// <param name="storeFolder">Where features are kept between runs; null for nowhere.</param>
    /// <param name="chunkRows">
    /// A single-pass source's features are written to the store every this many rows, so an extraction that is killed or
    /// cancelled resumes from its last complete chunk. Default: 256.
    /// </param>
    public static IDataView Compute(MLContext ml, IReadOnlyList<(string ImagePath, string Label)> images, IReadOnlyList<Source> sources,
        CancellationToken cancellation = default, string? storeFolder = null, int chunkRows = 256)
    {
        var rows = new List<Row>(images.Count * sources.Sum(s => s.Passes));
        VectorDataViewType? type = null;
        foreach (var source in sources)
        {
            var file = storeFolder is null ? null : Path.Combine(storeFolder, StoredName(source, images));
            var stored = file is null ? null : FeatureFile.TryRead(file, images.Count * source.Passes);
            List<float[]> features;
            if (stored is null)
            {
                var vector = source.Featurizer.FeatureType;
                type ??= vector;
                // An augmenting source draws anew on every pass, so only a single pass can be continued from its chunks.
                var chunks = file is not null && source.Passes == 1 ? new FeatureChunks(file, chunkRows, vector.Dimensions) : null;
                features = Run(source, images, chunks, cancellation);
                // Written anew where missing or unreadable (a file of another length, say).
                if (file is not null) FeatureFile.Write(file, features, vector.Dimensions);
                chunks?.Delete();
            }
            else
            {
                type ??= new VectorDataViewType(NumberDataViewType.Single, stored.Dimensions);
                features = stored.Rows;
            }
            rows.AddRange(features.Select((f, i) => new Row { Label = images[i % images.Count].Label, Features = f }));
        }
        var schema = SchemaDefinition.Create(typeof(Row));
        // The very type the featurizer produces (with the graph's dimensions), so the head fits the chain it is appended to.
        schema[nameof(Row.Features)].ColumnType = type;
        return ml.Data.LoadFromEnumerable(rows, schema);
    }

    static List<float[]> Run(Source source, IReadOnlyList<(string ImagePath, string Label)> images, FeatureChunks? chunks, CancellationToken cancellation)
    {
        var features = chunks?.ReadDone(images.Count) ?? new List<float[]>(images.Count * source.Passes);
        var progress = source.Progress?.Invoke();
        var paths = images.Skip(features.Count).Select(i => i.ImagePath).ToList();
        foreach (var row in source.Featurizer.Features(paths, source.Passes, cancellation))
        {
            cancellation.ThrowIfCancellationRequested();
            features.Add(row);
            chunks?.Added(features);
            progress?.Report(features.Count);
        }
        return features;
    }

    // What the features depend on besides the source: which files, as they are now.
    static string StoredName(Source source, IReadOnlyList<(string ImagePath, string Label)> images)
    {
        var text = new StringBuilder(source.Key).Append('\n').Append(source.Passes).Append('\n');
        foreach (var (path, _) in images)
        {
            var info = new FileInfo(path);
            text.Append(Path.GetFullPath(path)).Append('\t').Append(info.Length).Append('\t').Append(info.LastWriteTimeUtc.Ticks).Append('\n');
        }
        return FileNames.ForKey(text.ToString(), ".features");
    }

    /// <summary>A featurizer and how to run it.</summary>
    /// <param name="Featurizer">Image path to features; opens its ONNX Runtime sessions only when some features are not stored.</param>
    /// <param name="Passes">Passes over the images: more than one only for a featurizer that augments.</param>
    /// <param name="Progress">Where to report rows done; made when the source starts, so progress steps appear in the order they run.</param>
    /// <param name="Key">Everything the featurizer's output depends on besides the images (backbone files, augmentation and seed); stored features are found by it.</param>
    public sealed record Source(BatchFeaturizer Featurizer, int Passes, Func<IProgress<int>?>? Progress, string Key = "");

    /// <summary>The input schema of a model built on <see cref="BackboneCatalog.ExtractBackboneFeatures"/>: an image path only.</summary>
    public static DataViewSchema ImagePathSchema()
    {
        var builder = new DataViewSchema.Builder();
        builder.AddColumn("ImagePath", TextDataViewType.Instance);
        return builder.ToSchema();
    }

    sealed class Row
    {
        public string Label { get; set; } = "";
        public float[] Features { get; set; } = [];
    }
}
