using MLNetTransfer.Experiments;
using MLNetTransfer.Reports;
using Spectre.Console;

namespace MLNetTransfer.Cli.Rendering;

/// <summary>The console form of <see cref="ComparisonReport"/>: what <c>compare</c> prints and <c>train</c> ends with for several configs.</summary>
public static class ComparisonTable
{
    /// <summary>One row per run, the best of each column in bold green.</summary>
    public static Table Of(IReadOnlyList<ComparedRun> runs)
    {
        var table = new Table().Border(TableBorder.Rounded).Title("experiments compared").AddColumns("experiment", "mode", "backbone", "head");
        foreach (var column in ComparisonReport.Columns) table.AddColumn(new TableColumn(column.Name).RightAligned());
        foreach (var run in runs)
        {
            var cells = new List<string>
            {
                Markup.Escape(run.Record.Experiment), ConfigJson.Name(run.Record.Mode), Markup.Escape(run.Record.Backbone.Name),
                Markup.Escape(run.Head),
            };
            for (var c = 0; c < ComparisonReport.Columns.Count; c++)
                cells.Add(ComparisonReport.IsBest(runs, run, c) ? $"[bold green]{ComparisonReport.Text(run, c)}[/]" : ComparisonReport.Text(run, c));
            table.AddRow(cells.ToArray());
        }
        return table;
    }
}
