using System.Reflection;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.Trainers;

namespace MLNetTransfer.Pipelines;

/// <summary>
/// Turns a network's logits column into ML.NET's multiclass outputs (Score = softmax of the logits, PredictedLabel = the
/// key of the largest) with stock ML.NET parts only, so a saved model needs no code from this project.
/// </summary>
/// <remarks>
/// ML.NET has no arg-max transform, and ONNX outputs reach ML.NET as vectors, never as a scalar label. ML.NET's own
/// multiclass scorer does exactly this for a maximum-entropy model, whose scores are softmax(W x + b): with W the
/// identity and b zero they are softmax(logits). Its constructors are internal, so they are called by reflection
/// (checked against Microsoft.ML 5.0.1, pinned in Directory.Packages.props; a test saves and reloads the result).
/// </remarks>
public static class LogitsClassifier
{
    /// <summary>
    /// A transformer from <paramref name="logits"/> (a vector with one value per class) to Score and a key-typed
    /// predicted label (PredictedLabel unless named) whose key values are <paramref name="classes"/>, in order; append
    /// MapKeyToValue for the names. ML.NET's scorer names its scores Score, always.
    /// </summary>
    public static ITransformer Create(MLContext ml, DataViewSchema.Column logits, IReadOnlyList<string> classes, string predictedLabelColumnName = "PredictedLabel")
    {
        var count = classes.Count;
        var weights = Enumerable.Range(0, count).Select(i =>
        {
            var row = new float[count];
            row[i] = 1;
            return new VBuffer<float>(count, row);
        }).ToArray();
        var parametersConstructor = typeof(MaximumEntropyModelParameters)
            .GetConstructor(BindingFlags.NonPublic | BindingFlags.Instance, [typeof(IHostEnvironment), typeof(VBuffer<float>[]), typeof(float[]), typeof(int), typeof(int), typeof(string[]), typeof(ModelStatisticsBase)])
            ?? throw new MissingMethodException("MaximumEntropyModelParameters' constructor changed; this code targets Microsoft.ML 5.0.1");
        var parameters = (MaximumEntropyModelParameters)parametersConstructor.Invoke([ml, weights, new float[count], count, count, classes.ToArray(), null]);

        var transformerConstructor = typeof(MulticlassPredictionTransformer<MaximumEntropyModelParameters>)
            .GetConstructor(BindingFlags.NonPublic | BindingFlags.Instance, [typeof(IHostEnvironment), typeof(MaximumEntropyModelParameters), typeof(DataViewSchema), typeof(string), typeof(string), typeof(string), typeof(string)])
            ?? throw new MissingMethodException("MulticlassPredictionTransformer's constructor changed; this code targets Microsoft.ML 5.0.1");
        return (ITransformer)transformerConstructor.Invoke([ml, parameters, TrainingSchema(logits, classes), logits.Name, "Label", "Score", predictedLabelColumnName]);
    }

    // The scorer takes the predicted label's key values from the label column of the schema it was "trained" on.
    static DataViewSchema TrainingSchema(DataViewSchema.Column logits, IReadOnlyList<string> classes)
    {
        var builder = new DataViewSchema.Builder();
        // The very type the network gives (ONNX keeps the batch dimension: [1, classes]).
        builder.AddColumn(logits.Name, logits.Type);
        var names = new VBuffer<ReadOnlyMemory<char>>(classes.Count, classes.Select(c => c.AsMemory()).ToArray());
        var annotations = new DataViewSchema.Annotations.Builder();
        annotations.Add("KeyValues", new VectorDataViewType(TextDataViewType.Instance, classes.Count),
            (ref VBuffer<ReadOnlyMemory<char>> value) => names.CopyTo(ref value));
        builder.AddColumn("Label", new KeyDataViewType(typeof(uint), classes.Count), annotations.ToAnnotations());
        return builder.ToSchema();
    }
}
