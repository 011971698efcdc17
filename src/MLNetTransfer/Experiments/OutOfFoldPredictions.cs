using Microsoft.ML;
using Microsoft.ML.Data;
using MLNetTransfer.Data;
using MLNetTransfer.Evaluation;

namespace MLNetTransfer.Experiments;

/// <summary>
/// A prediction for every training image from a head that never saw it: the images are dealt into folds, class by class
/// in an order drawn by the seed, and each fold is scored by the same ML.NET head trained on the other folds' features.
/// An image's augmented copies stay in its fold, so no head has seen any version of the image it scores. This is what
/// confident learning (Northcutt et al. 2021, cleanlab) ranks training labels by.
/// </summary>
internal static class OutOfFoldPredictions
{
    /// <summary>Folds, as cleanlab's default: each head trains on 80% of the images.</summary>
    public const int Folds = 5;

    /// <param name="ml">The context.</param>
    /// <param name="features">Label and Features columns: one row per image in order, then any augmented copies, image by image, pass after pass (as <see cref="Pipelines.FeatureCache"/> makes them).</param>
    /// <param name="images">The training images, in the order of the first rows.</param>
    /// <param name="classes">The classes in score order.</param>
    /// <param name="head">The head to train on each fold's complement.</param>
    /// <param name="seed">Draws the folds.</param>
    /// <param name="cancellation">Stops between folds.</param>
    public static IReadOnlyList<Prediction> Compute(MLContext ml, IDataView features, IReadOnlyList<LabeledImage> images, IReadOnlyList<string> classes,
        HeadConfig head, int seed, CancellationToken cancellation = default)
    {
        var fold = Deal(images, seed);
        var labels = features.GetColumn<ReadOnlyMemory<char>>("Label").Select(l => l.ToString()).ToList();
        var vectors = features.GetColumn<float[]>("Features").ToList();
        var schema = SchemaDefinition.Create(typeof(Row));
        // The featurizer's own vector type, so the head sees the dimensions it was built for.
        schema[nameof(Row.Features)].ColumnType = features.Schema["Features"].Type;
        IDataView Rows(IEnumerable<int> rows) => ml.Data.LoadFromEnumerable(rows.Select(r => new Row { Label = labels[r], Features = vectors[r] }), schema);

        var estimator = ClassKeys.Map(ml, classes)
            .Append(HeadFactory.Create(ml, head, "LabelKey", "Features"))
            .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedLabel"));
        var predictions = new Prediction[images.Count];
        for (var f = 0; f < Folds; f++)
        {
            cancellation.ThrowIfCancellationRequested();
            var heldOut = Enumerable.Range(0, images.Count).Where(i => fold[i] == f).ToList();
            if (heldOut.Count == 0) continue;
            var model = estimator.Fit(Rows(Enumerable.Range(0, labels.Count).Where(r => fold[r % images.Count] != f)));
            var scored = ClassifierEvaluator.Predictions(model.Transform(Rows(heldOut)),
                heldOut.Select(i => (images[i].Path, (string?)images[i].Label)).ToList(), cancellation: cancellation);
            for (var j = 0; j < heldOut.Count; j++) predictions[heldOut[j]] = scored[j];
        }
        return predictions;
    }

    // Stratified: each class's images, shuffled by the seed, are dealt round the folds, so every fold holds each class
    // in proportion and a fold's complement holds every class that has more than one image.
    static int[] Deal(IReadOnlyList<LabeledImage> images, int seed)
    {
        var random = new Random(seed);
        var fold = new int[images.Count];
        foreach (var members in Enumerable.Range(0, images.Count).GroupBy(i => images[i].Label, StringComparer.Ordinal))
        {
            var order = members.ToArray();
            random.Shuffle(order);
            for (var k = 0; k < order.Length; k++) fold[order[k]] = k % Folds;
        }
        return fold;
    }

    sealed class Row
    {
        public string Label { get; set; } = "";
        public float[] Features { get; set; } = [];
    }
}
