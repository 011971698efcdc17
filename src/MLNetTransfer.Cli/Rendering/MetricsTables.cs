using System.Globalization;
using MLNetTransfer.Evaluation;
using Spectre.Console;

namespace MLNetTransfer.Cli.Rendering;

/// <summary>Tables of evaluation metrics for the console.</summary>
public static class MetricsTables
{
    /// <summary>Per-class precision, recall, F1 and the confusion matrix's row for each class.</summary>
    public static Table PerClass(EvaluationMetrics metrics)
    {
        var table = new Table().Border(TableBorder.Rounded).Title("per class (test)");
        table.AddColumns("class", "precision", "recall", "F1", "images");
        foreach (var name in metrics.Classes) table.AddColumn(new TableColumn($"→ {Markup.Escape(name)}").RightAligned());
        for (var k = 0; k < metrics.PerClass.Count; k++)
        {
            var c = metrics.PerClass[k];
            table.AddRow([Markup.Escape(c.Class), Percent(c.Precision), Percent(c.Recall), Percent(c.F1),
                c.Support.ToString(CultureInfo.InvariantCulture), .. metrics.ConfusionMatrix[k].Select(v => v.ToString(CultureInfo.InvariantCulture))]);
        }
        return table;
    }

    public static string Percent(double value) => double.IsNaN(value) ? "n/a" : value.ToString("P1", CultureInfo.InvariantCulture);

    public static string Number(double? value) => value is { } v && !double.IsNaN(v) ? v.ToString("0.000", CultureInfo.InvariantCulture) : "n/a";
}
