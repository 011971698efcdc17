using Microsoft.ML;
using Microsoft.ML.Data;
using MLNetTransfer.Core;

namespace MLNetTransfer.Evaluation;

/// <summary>
/// Scores labelled images with a trained model and measures it with ML.NET's multiclass evaluator. Works on any model
/// that maps an ImagePath column to Score and a string PredictedLabel: the one just trained, or one loaded from model.zip.
/// </summary>
public static class ClassifierEvaluator
{
    /// <summary>Runs <paramref name="model"/> over the images, reporting each finished image to <paramref name="progress"/>.</summary>
    public static IReadOnlyList<Prediction> Predict(MLContext ml, ITransformer model, IReadOnlyList<(string ImagePath, string? Label)> images,
        IProgress<int>? progress = null, CancellationToken cancellation = default)
    {
        var input = ml.Data.LoadFromEnumerable(images.Select(i => new ImageInput { ImagePath = i.ImagePath }));
        return Predictions(model.Transform(input), images, progress, cancellation);
    }

    /// <summary>The predictions in <paramref name="scored"/> (Score and PredictedLabel columns), one row per image in order.</summary>
    /// <param name="scored">The model's output.</param>
    /// <param name="images">The images scored, in order, with their labels where known.</param>
    /// <param name="progress">Told the count of images done after each.</param>
    /// <param name="cancellation">Stops between images.</param>
    /// <param name="alongside">
    /// Other columns to read in the same pass (the model runs once per image): their names, and a function that gets
    /// the cursor once and returns what to do with each row, given the row's index.
    /// </param>
    public static IReadOnlyList<Prediction> Predictions(IDataView scored, IReadOnlyList<(string ImagePath, string? Label)> images,
        IProgress<int>? progress = null, CancellationToken cancellation = default,
        (IReadOnlyList<string> Columns, Func<DataViewRow, Action<int>> Reader)? alongside = null)
    {
        var predictions = new List<Prediction>(images.Count);
        IReadOnlyList<string> others = alongside?.Columns ?? [];
        using var cursor = scored.GetRowCursor(scored.Schema.Where(c => c.Name is "Score" or "PredictedLabel" || others.Contains(c.Name)));
        var score = cursor.GetGetter<VBuffer<float>>(scored.Schema["Score"]);
        var predicted = cursor.GetGetter<ReadOnlyMemory<char>>(scored.Schema["PredictedLabel"]);
        var read = alongside?.Reader(cursor);
        VBuffer<float> scores = default;
        ReadOnlyMemory<char> label = default;
        while (cursor.MoveNext())
        {
            cancellation.ThrowIfCancellationRequested();
            score(ref scores);
            predicted(ref label);
            var image = images[predictions.Count];
            read?.Invoke(predictions.Count);
            predictions.Add(new Prediction(image.ImagePath, image.Label, label.ToString(), scores.DenseValues().ToArray()));
            progress?.Report(predictions.Count);
        }
        return predictions;
    }

    /// <summary>Metrics of labelled predictions; <paramref name="classes"/> gives the score order and key order.</summary>
    public static EvaluationMetrics Evaluate(MLContext ml, IReadOnlyList<Prediction> predictions, IReadOnlyList<string> classes)
    {
        if (predictions.Count == 0) throw new ArgumentException("no predictions to evaluate", nameof(predictions));
        var width = classes.Count;
        var rows = predictions.Select(p => new ScoredRow
        {
            Label = p.Label ?? throw new ArgumentException($"{p.ImagePath} has no true label", nameof(predictions)),
            PredictedLabel = p.PredictedLabel,
            Score = p.Scores,
        });
        var schema = SchemaDefinition.Create(typeof(ScoredRow));
        schema[nameof(ScoredRow.Score)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, width);
        var data = ml.Data.LoadFromEnumerable(rows, schema);

        // Both columns are keyed by the same sorted class list, so key k is classes[k-1] and matches Score's slot k-1.
        var keys = ml.Data.LoadFromEnumerable(classes.Select(c => new ClassRow { Class = c }));
        var keyed = ml.Transforms.Conversion.MapValueToKey("LabelKey", nameof(ScoredRow.Label), keyData: keys)
            .Append(ml.Transforms.Conversion.MapValueToKey("PredictedLabelKey", nameof(ScoredRow.PredictedLabel), keyData: keys))
            .Fit(data).Transform(data);
        var metrics = ml.MulticlassClassification.Evaluate(keyed, "LabelKey", nameof(ScoredRow.Score), "PredictedLabelKey");

        var matrix = metrics.ConfusionMatrix;
        var perClass = classes.Select((c, k) =>
        {
            var precision = matrix.PerClassPrecision[k];
            var recall = matrix.PerClassRecall[k];
            var f1 = precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0;
            var support = (int)matrix.Counts[k].Sum();
            return new ClassMetrics(c, precision, recall, f1, support, RocAuc(predictions.Select(p => (p.Scores[k], p.Label == c))));
        }).ToList();
        var counts = matrix.Counts.Select(row => (IReadOnlyList<long>)row.Select(v => (long)v).ToList()).ToList();
        var auc = width == 2 ? RocAuc(predictions.Select(p => (p.Scores[1], p.Label == classes[1]))) : (double?)null;
        var aucs = perClass.Where(c => c.Auc is not null).Select(c => c.Auc!.Value).ToList();
        var confused = counts.SelectMany((row, r) => row.Select((n, c) => new ConfusedPair(classes[r], classes[c], n)).Where((_, c) => c != r))
            .Where(p => p.Count > 0).OrderByDescending(p => p.Count).ThenBy(p => p.True, StringComparer.Ordinal).ThenBy(p => p.Predicted, StringComparer.Ordinal).Take(10).ToList();
        return new EvaluationMetrics(predictions.Count, metrics.MicroAccuracy, metrics.MacroAccuracy, metrics.LogLoss, classes, perClass, counts, auc,
            TopK: [.. new[] { 2, 3, 5 }.Where(k => k < width).Select(k => new TopKAccuracy(k, TopKShare(predictions, classes, k)))],
            MacroF1: perClass.Average(c => c.F1),
            WeightedF1: perClass.Sum(c => c.F1 * c.Support) / predictions.Count,
            MeanAuc: aucs.Count > 0 ? aucs.Average() : null,
            MostConfused: confused,
            Calibration: Calibration.Of(predictions, classes));
    }

    // The share of predictions whose true class has one of the k highest scores; ties rank the earlier class first.
    static double TopKShare(IReadOnlyList<Prediction> predictions, IReadOnlyList<string> classes, int k)
    {
        var index = classes.Select((c, i) => (c, i)).ToDictionary(x => x.c, x => x.i);
        return predictions.Count(p =>
        {
            var truth = index[p.Label!];
            var higher = p.Scores.Select((s, j) => s > p.Scores[truth] || (s == p.Scores[truth] && j < truth)).Count(h => h);
            return higher < k;
        }) / (double)predictions.Count;
    }

    /// <summary>Area under the ROC curve: the chance a random positive scores above a random negative (ties count half).</summary>
    internal static double? RocAuc(IEnumerable<(float Score, bool Positive)> scored)
    {
        var ranked = scored.OrderBy(s => s.Score).ToArray();
        long positives = ranked.Count(s => s.Positive), negatives = ranked.Length - positives;
        if (positives == 0 || negatives == 0) return null;
        double rankSum = 0;
        for (var i = 0; i < ranked.Length;)
        {
            var j = i;
            while (j < ranked.Length && ranked[j].Score == ranked[i].Score) j++;
            var averageRank = (i + 1 + j) / 2.0;
            rankSum += averageRank * ranked[i..j].Count(s => s.Positive);
            i = j;
        }
        return (rankSum - positives * (positives + 1) / 2.0) / (positives * (double)negatives);
    }

    sealed class ScoredRow
    {
        public string Label { get; set; } = "";
        public string PredictedLabel { get; set; } = "";
        public float[] Score { get; set; } = [];
    }

    sealed class ClassRow
    {
        public string Class { get; set; } = "";
    }
}
