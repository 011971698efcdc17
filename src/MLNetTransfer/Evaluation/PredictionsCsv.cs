using System.Globalization;
using System.Text;
using MLNetTransfer.Core;

namespace MLNetTransfer.Evaluation;

/// <summary>Writes predictions as CSV: file, true label, predicted label, then one score column per class.</summary>
internal static class PredictionsCsv
{
    public static string Format(IEnumerable<Prediction> predictions, IReadOnlyList<string> classes)
    {
        var text = new StringBuilder();
        text.AppendLine(Csv.Line(new[] { "file", "label", "predicted_label" }.Concat(classes.Select(c => "score_" + c))));
        foreach (var p in predictions)
            text.AppendLine(Csv.Line(new[] { p.ImagePath, p.Label ?? "", p.PredictedLabel }
                .Concat(p.Scores.Select(s => s.ToString("R", CultureInfo.InvariantCulture)))));
        return text.ToString();
    }

    /// <summary>Reads what <see cref="Format"/> wrote.</summary>
    public static IReadOnlyList<Prediction> Parse(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(line =>
        {
            var fields = Csv.Fields(line.TrimEnd('\r'));
            return new Prediction(fields[0], fields[1].Length == 0 ? null : fields[1], fields[2],
                fields.Skip(3).Select(f => float.Parse(f, CultureInfo.InvariantCulture)).ToArray());
        }).ToList();
}
