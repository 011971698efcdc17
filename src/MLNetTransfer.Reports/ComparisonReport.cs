using System.Globalization;
using System.Net;
using System.Text;
using MLNetTransfer.Interpretability.Metrics;
using MLNetTransfer.Experiments;

namespace MLNetTransfer.Reports;

/// <summary>One run's row in a comparison.</summary>
/// <param name="Folder">The run folder.</param>
/// <param name="Record">Its run.json.</param>
/// <param name="Config">Its config.json: the experiment as it ran, defaults filled in.</param>
/// <param name="Metrics">Its metrics.json.</param>
/// <param name="Quality">Grad-CAM's quality from its report.json; null where the run has no report.</param>
public sealed record ComparedRun(string Folder, RunRecord Record, ExperimentConfig Config, RunMetrics Metrics, HeatmapQuality? Quality)
{
    /// <summary>Reads the run folder at <paramref name="path"/>.</summary>
    public static ComparedRun Read(string path)
    {
        var folder = RunFolder.Open(path);
        var record = folder.ReadJson<RunRecord>(RunFolder.RunFile);
        var config = folder.ReadJson<ExperimentConfig>(RunFolder.ConfigFile);
        var metrics = folder.ReadJson<RunMetrics>(RunFolder.MetricsFile);
        var quality = File.Exists(folder.File(ReportWriter.JsonFile)) ? folder.ReadJson<RunReport>(ReportWriter.JsonFile).Quality : null;
        return new ComparedRun(folder.Path, record, config, metrics, quality);
    }

    /// <summary>The head in a few words (<see cref="ResolvedExperiment.Head"/>).</summary>
    public string Head => ResolvedExperiment.Of(Config).Head;

    /// <summary>How much more Grad-CAM's pixels matter than random ones: the deletion test's gap.</summary>
    public double? DeletionGap => Quality is { } q ? q.SalientDrop - q.RandomDrop : null;
}

/// <summary>
/// Experiments side by side: mode, backbone, head, accuracy, AUC, time and Grad-CAM quality, the best of each column marked;
/// as an HTML page (self-contained, every name encoded).
/// </summary>
public static class ComparisonReport
{
    /// <summary>The columns, each with how to read it from a run and whether larger is better.</summary>
    public static IReadOnlyList<(string Name, Func<ComparedRun, double?> Value, bool HigherIsBetter, string Format)> Columns { get; } =
    [
        ("test accuracy", r => r.Metrics.Test.Accuracy, true, "P1"),
        ("AUC", r => r.Metrics.Test.Auc, true, "0.000"),
        ("log-loss", r => r.Metrics.Test.LogLoss, false, "0.000"),
        ("training time (s)", r => r.Record.Seconds, false, "0.0"),
        ("Grad-CAM deletion gap", r => r.DeletionGap, true, "0.000"),
        ("Grad-CAM ROAD", r => r.Quality?.RoadCombined, true, "0.000"),
    ];

    /// <summary>Whether <paramref name="run"/>'s value in a column is the best among <paramref name="runs"/>.</summary>
    public static bool IsBest(IReadOnlyList<ComparedRun> runs, ComparedRun run, int column)
    {
        var (_, value, higher, _) = Columns[column];
        var values = runs.Select(value).OfType<double>().ToList();
        return value(run) is { } v && values.Count > 1 && v == (higher ? values.Max() : values.Min());
    }

    /// <summary>A column's value for <paramref name="run"/> as shown: formatted, or "n/a" where the run has none.</summary>
    public static string Text(ComparedRun run, int column) =>
        Columns[column].Value(run)?.ToString(Columns[column].Format, CultureInfo.InvariantCulture) ?? "n/a";

    public static string Render(IReadOnlyList<ComparedRun> runs)
    {
        static string E(string text) => WebUtility.HtmlEncode(text);
        var html = new StringBuilder("""
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>MLNetTransfer: experiments compared</title>
            <style>body{font-family:system-ui,sans-serif;margin:1rem;}table{border-collapse:collapse;}th,td{border-bottom:1px solid #ddd;padding:.3rem .6rem;text-align:left;}
            td.n{text-align:right;font-variant-numeric:tabular-nums;}td.best{font-weight:bold;background:#e8f4e8;}div{overflow-x:auto;}</style></head>
            <body><h1>Experiments compared</h1><div><table><tr><th>experiment</th><th>mode</th><th>backbone</th><th>head</th>
            """);
        foreach (var column in Columns) html.Append($"<th>{column.Name}</th>");
        html.Append("<th>run folder</th></tr>");
        foreach (var run in runs)
        {
            html.Append($"<tr><td>{E(run.Record.Experiment)}</td><td>{ConfigJson.Name(run.Record.Mode)}</td><td>{E(run.Record.Backbone.Name)}</td><td>{E(run.Head)}</td>");
            for (var c = 0; c < Columns.Count; c++)
            {
                html.Append($"<td class=\"n{(IsBest(runs, run, c) ? " best" : "")}\">{Text(run, c)}</td>");
            }
            html.Append($"<td>{E(run.Folder)}</td></tr>");
        }
        html.Append("</table></div><p>Bold: the best of each column. The deletion gap is how much more blurring Grad-CAM's top 20% of pixels lowers the class probability than blurring 20% random pixels (from each run's report).</p></body></html>");
        return html.ToString();
    }
}
