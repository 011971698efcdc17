using Microsoft.ML;

namespace MLNetTransfer.Experiments;

/// <summary>The text label mapped to the key ML.NET's trainers read, keys in the order of the run's classes (the score order).</summary>
internal static class ClassKeys
{
    /// <summary>Label (text) to LabelKey, with <paramref name="classes"/> as the key values in order.</summary>
    public static IEstimator<ITransformer> Map(MLContext ml, IReadOnlyList<string> classes) =>
        ml.Transforms.Conversion.MapValueToKey("LabelKey", "Label", keyData: ml.Data.LoadFromEnumerable(classes.Select(c => new ClassName { Value = c })));

    sealed class ClassName
    {
        public string Value { get; set; } = "";
    }
}
