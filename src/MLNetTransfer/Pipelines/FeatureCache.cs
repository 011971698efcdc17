using Microsoft.ML;
using Microsoft.ML.Data;
using MLNetTransfer.Core;

namespace MLNetTransfer.Pipelines;

/// <summary>
/// Runs a frozen featurizer over labelled images once and keeps the features in memory, so a head trainer that makes
/// many passes (L-BFGS, SDCA, boosting) never runs the backbone again: Keras' "fast feature extraction".
/// </summary>
public static class FeatureCache
{
    /// <summary>A data view with a Label (text) and a Features (float vector) column, one row per image, in order.</summary>
    public static IDataView Compute(MLContext ml, ITransformer featurizer, IReadOnlyList<(string ImagePath, string Label)> images,
        IProgress<int>? progress = null, CancellationToken cancellation = default) =>
        Compute(ml, images, [new Source(featurizer, 1, () => progress)], cancellation);

    /// <summary>
    /// The rows of every source, in order: each makes <see cref="Source.Passes"/> passes over the images. A featurizer
    /// that augments gives different features on each pass, so its rows hold that many copies of every image.
    /// </summary>
    public static IDataView Compute(MLContext ml, IReadOnlyList<(string ImagePath, string Label)> images, IReadOnlyList<Source> sources,
        CancellationToken cancellation = default)
    {
        var input = ml.Data.LoadFromEnumerable(images.Select(i => new ImageInput { ImagePath = i.ImagePath }));
        var rows = new List<Row>(images.Count * sources.Sum(s => s.Passes));
        DataViewType? type = null;
        foreach (var (featurizer, passes, startProgress) in sources)
        {
            var progress = startProgress?.Invoke();
            var output = featurizer.Transform(input);
            var column = output.Schema["Features"];
            if (column.Type is not VectorDataViewType { Size: > 0 })
                throw new InvalidOperationException($"the featurizer's Features column is {column.Type}, not a fixed-size vector");
            type ??= column.Type;
            var done = 0;
            for (var pass = 0; pass < passes; pass++)
            {
                using var cursor = output.GetRowCursor([column]);
                var getter = cursor.GetGetter<VBuffer<float>>(column);
                VBuffer<float> features = default;
                for (var i = 0; cursor.MoveNext(); i++)
                {
                    cancellation.ThrowIfCancellationRequested();
                    getter(ref features);
                    rows.Add(new Row { Label = images[i].Label, Features = features.DenseValues().ToArray() });
                    progress?.Report(++done);
                }
            }
        }
        var schema = SchemaDefinition.Create(typeof(Row));
        // The very type the featurizer produces (with the graph's dimensions), so the head fits the chain it is appended to.
        schema[nameof(Row.Features)].ColumnType = type;
        return ml.Data.LoadFromEnumerable(rows, schema);
    }

    /// <summary>
    /// A featurizer, how many passes to make over the images with it, and where to report rows done (made when the
    /// source starts, so that progress steps appear in the order they run).
    /// </summary>
    public sealed record Source(ITransformer Featurizer, int Passes, Func<IProgress<int>?>? Progress);

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
