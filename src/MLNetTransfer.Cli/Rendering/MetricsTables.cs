using System.Globalization;
using MLNetTransfer.Evaluation;
using Spectre.Console;

namespace MLNetTransfer.Cli.Rendering;

/// <summary>Tables of evaluation metrics for the console.</summary>
public static class MetricsTables
{
    // Beyond this many classes the confusion matrix's columns no longer fit a terminal; the most confused pairs stand for it.
    const int MaxConfusionColumns = 6;

    /// <summary>
    /// Per-class precision, recall, F1 (and one-vs-rest AUC beyond two classes), with the confusion matrix's row for
    /// each class where there are few enough classes to fit.
    /// </summary>
    public static Table PerClass(EvaluationMetrics metrics)
    {
        var table = new Table().Border(TableBorder.Rounded).Title("per class (test)");
        var auc = metrics.Classes.Count > 2;
        var confusion = metrics.Classes.Count <= MaxConfusionColumns;
        table.AddColumns(["class", "precision", "recall", "F1", .. auc ? new[] { "AUC" } : [], "images"]);
        if (confusion)
            foreach (var name in metrics.Classes) table.AddColumn(new TableColumn($"→ {Markup.Escape(name)}").RightAligned());
        for (var k = 0; k < metrics.PerClass.Count; k++)
        {
            var c = metrics.PerClass[k];
            table.AddRow([Markup.Escape(c.Class), Percent(c.Precision), Percent(c.Recall), Percent(c.F1), .. auc ? new[] { Number(c.Auc) } : [],
                c.Support.ToString(CultureInfo.InvariantCulture), .. confusion ? metrics.ConfusionMatrix[k].Select(v => v.ToString(CultureInfo.InvariantCulture)) : []]);
        }
        return table;
    }

    /// <summary>The most confused pairs, fastai's <c>most_confused</c>; null where there are two classes or no mistakes.</summary>
    public static Table? MostConfused(EvaluationMetrics metrics)
    {
        if (metrics.Classes.Count <= 2 || metrics.MostConfused is not { Count: > 0 } pairs) return null;
        var table = new Table().Border(TableBorder.Rounded).Title("most confused (test)").AddColumns("true class", "taken for", "images");
        foreach (var pair in pairs) table.AddRow(Markup.Escape(pair.True), Markup.Escape(pair.Predicted), pair.Count.ToString(CultureInfo.InvariantCulture));
        return table;
    }

    public static string Percent(double value) => double.IsNaN(value) ? "n/a" : value.ToString("P1", CultureInfo.InvariantCulture);

    public static string Number(double? value) => value is { } v && !double.IsNaN(v) ? v.ToString("0.000", CultureInfo.InvariantCulture) : "n/a";
}
