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
        IProgress<int>? progress = null, CancellationToken cancellation = default)
    {
        var input = ml.Data.LoadFromEnumerable(images.Select(i => new ImageInput { ImagePath = i.ImagePath }));
        var output = featurizer.Transform(input);
        var column = output.Schema["Features"];
        if (column.Type is not VectorDataViewType { Size: > 0 })
            throw new InvalidOperationException($"the featurizer's Features column is {column.Type}, not a fixed-size vector");

        var rows = new List<FeatureRow>(images.Count);
        using (var cursor = output.GetRowCursor([column]))
        {
            var getter = cursor.GetGetter<VBuffer<float>>(column);
            VBuffer<float> features = default;
            while (cursor.MoveNext())
            {
                cancellation.ThrowIfCancellationRequested();
                getter(ref features);
                rows.Add(new FeatureRow { Label = images[rows.Count].Label, Features = features.DenseValues().ToArray() });
                progress?.Report(rows.Count);
            }
        }
        var schema = SchemaDefinition.Create(typeof(FeatureRow));
        // The very type the featurizer produces (with the graph's dimensions), so the head fits the chain it is appended to.
        schema[nameof(FeatureRow.Features)].ColumnType = column.Type;
        return ml.Data.LoadFromEnumerable(rows, schema);
    }

    /// <summary>The input schema of a model built on <see cref="BackboneCatalog.ExtractBackboneFeatures"/>: an image path only.</summary>
    public static DataViewSchema ImagePathSchema()
    {
        var builder = new DataViewSchema.Builder();
        builder.AddColumn("ImagePath", TextDataViewType.Instance);
        return builder.ToSchema();
    }

    sealed class FeatureRow
    {
        public string Label { get; set; } = "";
        public float[] Features { get; set; } = [];
    }
}
