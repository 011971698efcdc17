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
        Compute(ml, featurizer, images, 1, progress, cancellation);

    /// <summary>
    /// As above, with <paramref name="passes"/> passes over the images: a featurizer that augments gives different
    /// features on each pass, so the result holds that many copies of every image.
    /// </summary>
    public static IDataView Compute(MLContext ml, ITransformer featurizer, IReadOnlyList<(string ImagePath, string Label)> images,
        int passes, IProgress<int>? progress = null, CancellationToken cancellation = default)
    {
        var input = ml.Data.LoadFromEnumerable(images.Select(i => new ImageInput { ImagePath = i.ImagePath }));
        var output = featurizer.Transform(input);
        var column = output.Schema["Features"];
        if (column.Type is not VectorDataViewType { Size: > 0 })
            throw new InvalidOperationException($"the featurizer's Features column is {column.Type}, not a fixed-size vector");

        var rows = new List<Row>(images.Count * passes);
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
                progress?.Report(rows.Count);
            }
        }
        var schema = SchemaDefinition.Create(typeof(Row));
        // The very type the featurizer produces (with the graph's dimensions), so the head fits the chain it is appended to.
        schema[nameof(Row.Features)].ColumnType = column.Type;
        return ml.Data.LoadFromEnumerable(rows, schema);
    }

    /// <summary>The schema of a cached feature view, to read its rows back.</summary>
    public static SchemaDefinition Schema(IDataView features)
    {
        var schema = SchemaDefinition.Create(typeof(Row));
        schema[nameof(Row.Features)].ColumnType = features.Schema["Features"].Type;
        return schema;
    }

    /// <summary>The input schema of a model built on <see cref="BackboneCatalog.ExtractBackboneFeatures"/>: an image path only.</summary>
    public static DataViewSchema ImagePathSchema()
    {
        var builder = new DataViewSchema.Builder();
        builder.AddColumn("ImagePath", TextDataViewType.Instance);
        return builder.ToSchema();
    }

    /// <summary>One cached image: its label and features.</summary>
    public sealed class Row
    {
        public string Label { get; set; } = "";
        public float[] Features { get; set; } = [];
    }
}
