using Microsoft.ML;
using Microsoft.ML.Transforms.Onnx;
using MLNetTransfer.Backbones;
using MLNetTransfer.Evaluation;

namespace MLNetTransfer.Pipelines;

/// <summary>
/// Temperature scaling (Guo et al. 2017): every class probability p becomes softmax(log p / T), one T fitted on the
/// validation set to minimise its negative log-likelihood. The ranking of the classes, and so the predicted class and
/// the accuracy, never change; an over-confident model gets T above 1 and less extreme probabilities. For a softmax
/// head log p is the logits less a constant per image, so this is exactly dividing the logits by T.
/// </summary>
/// <param name="Temperature">The fitted T.</param>
public sealed record TemperatureScaling(double Temperature)
{
    /// <summary>The saved model's column with the probabilities before scaling: what Score held without the option.</summary>
    public const string UncalibratedScoreColumn = "UncalibratedScore";

    /// <summary>The step's ONNX graph, kept in the run folder beside model.zip (which also holds its bytes).</summary>
    public const string FileName = "temperature.onnx";

    // Probabilities are floats: an exact 0 would give log 0; the floor keeps such a class last without a NaN.
    const float Floor = 1e-30f;

    /// <summary>The T in [0.05, 20] that minimises the negative log-likelihood of <paramref name="predictions"/>.</summary>
    /// <exception cref="ArgumentException">No labelled prediction to fit on.</exception>
    public static TemperatureScaling Fit(IReadOnlyList<Prediction> predictions, IReadOnlyList<string> classes)
    {
        var index = classes.Select((c, i) => (c, i)).ToDictionary(x => x.c, x => x.i);
        var logs = predictions.Where(p => p.Label is not null)
            .Select(p => (Log: p.Scores.Select(s => Math.Log(Math.Max(s, Floor))).ToArray(), Truth: index[p.Label!])).ToList();
        if (logs.Count == 0) throw new ArgumentException("temperature scaling needs labelled validation predictions", nameof(predictions));
        double Loss(double logT)
        {
            var t = Math.Exp(logT);
            return logs.Average(p =>
            {
                var max = p.Log.Max() / t;
                var sum = p.Log.Sum(l => Math.Exp(l / t - max));
                return max + Math.Log(sum) - p.Log[p.Truth] / t;
            });
        }
        // The loss is convex in 1/T, so unimodal in log T: a golden-section search finds its minimum.
        double low = Math.Log(0.05), high = Math.Log(20);
        var ratio = (Math.Sqrt(5) - 1) / 2;
        for (var i = 0; i < 80; i++)
        {
            var a = high - ratio * (high - low);
            var b = low + ratio * (high - low);
            if (Loss(a) <= Loss(b)) high = b; else low = a;
        }
        return new TemperatureScaling(Math.Round(Math.Exp((low + high) / 2), 4));
    }

    /// <summary><paramref name="prediction"/> with its scores scaled, as the saved model's Score gives them.</summary>
    public Prediction Apply(Prediction prediction)
    {
        var scaled = prediction.Scores.Select(s => (float)(Math.Log(Math.Max(s, Floor)) / Temperature)).ToArray();
        var max = scaled.Max();
        var exp = scaled.Select(s => MathF.Exp(s - max)).ToArray();
        var sum = exp.Sum();
        return prediction with { Scores = exp.Select(e => e / sum).ToArray() };
    }

    /// <summary>
    /// The steps to append to a model whose Score holds <paramref name="classes"/> probabilities: Score is copied to
    /// <see cref="UncalibratedScoreColumn"/> and a small ONNX graph (<see cref="FileName"/>, written into
    /// <paramref name="folder"/>) writes the scaled probabilities to Score. Only ML.NET's own transforms: model.zip stays
    /// a plain ML.NET model.
    /// </summary>
    public IReadOnlyList<ITransformer> Steps(MLContext ml, int classes, string folder)
    {
        var path = Path.Combine(folder, FileName);
        new OnnxGraphBuilder("temperature-scaling")
            .Input(UncalibratedScoreColumn, 1, classes)
            .Constant("floor", [], [Floor])
            .Constant("inverse_temperature", [], [(float)(1 / Temperature)])
            .Node("Max", "floor_zeros", [UncalibratedScoreColumn, "floor"], ["floored"])
            .Node("Log", "log", ["floored"], ["log_probabilities"])
            .Node("Mul", "scale", ["log_probabilities", "inverse_temperature"], ["scaled"])
            .Node("Softmax", "softmax", ["scaled"], ["Score"], new Dictionary<string, object> { ["axis"] = 1L })
            .Output("Score", 1, classes)
            .Save(path);
        var empty = ml.Data.LoadFromEnumerable(Array.Empty<ScoreRow>(), Schema(classes));
        var copy = ml.Transforms.CopyColumns(UncalibratedScoreColumn, "Score").Fit(empty);
        var scale = ml.Transforms.ApplyOnnxModel(new OnnxOptions
        {
            ModelFile = path,
            InputColumns = [UncalibratedScoreColumn],
            OutputColumns = ["Score"],
            IntraOpNumThreads = BackboneCatalog.OnnxThreads(network: false),
        }).Fit(copy.Transform(empty));
        return [copy, scale];
    }

    static Microsoft.ML.Data.SchemaDefinition Schema(int classes)
    {
        var schema = Microsoft.ML.Data.SchemaDefinition.Create(typeof(ScoreRow));
        schema[nameof(ScoreRow.Score)].ColumnType = new Microsoft.ML.Data.VectorDataViewType(Microsoft.ML.Data.NumberDataViewType.Single, classes);
        return schema;
    }

    sealed class ScoreRow
    {
        public float[] Score { get; set; } = [];
    }
}
