using System.Globalization;
using System.Text;
using MLNetTransfer.Core;

namespace MLNetTransfer.Evaluation;

/// <summary>Writes predictions as CSV: file, true label, predicted label, then one score column per class.</summary>
public static class PredictionsCsv
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
}
