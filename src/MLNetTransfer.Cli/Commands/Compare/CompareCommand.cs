using System.ComponentModel;
using System.Globalization;
using MLNetTransfer.Cli.Rendering;
using MLNetTransfer.Core;
using MLNetTransfer.Experiments;
using MLNetTransfer.Reports;
using Spectre.Console;
using Spectre.Console.Cli;

namespace MLNetTransfer.Cli.Commands.Compare;

/// <summary><c>mlnet-transfer compare &lt;run&gt;... [--out FILE]</c>.</summary>
public sealed class CompareCommand(IAnsiConsole console) : GuardedCommand<CompareCommand.Settings>(console)
{
    public sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "<runs>")]
        [Description("Run folders written by train.")]
        public string[] Runs { get; init; } = [];

        [CommandOption("--out <FILE>")]
        [Description("Also write the table as a self-contained HTML page.")]
        public string? Out { get; init; }
    }

    protected override int Run(Settings settings, CancellationToken cancellation)
    {
        var runs = settings.Runs.Select(ComparedRun.Read).ToList();
        var table = new Table().Border(TableBorder.Rounded).Title("experiments compared").AddColumns("experiment", "mode", "backbone");
        foreach (var column in ComparisonReport.Columns) table.AddColumn(new TableColumn(column.Name).RightAligned());
        foreach (var run in runs)
        {
            var cells = new List<string> { Markup.Escape(run.Record.Experiment), ConfigJson.Name(run.Record.Mode), Markup.Escape(run.Record.Backbone.Name) };
            for (var c = 0; c < ComparisonReport.Columns.Count; c++)
            {
                var text = ComparisonReport.Columns[c].Value(run)?.ToString(ComparisonReport.Columns[c].Format, CultureInfo.InvariantCulture) ?? "n/a";
                cells.Add(ComparisonReport.IsBest(runs, run, c) ? $"[bold green]{text}[/]" : text);
            }
            table.AddRow(cells.ToArray());
        }
        Console.Write(table);
        if (settings.Out is { } path)
        {
            AtomicFile.WriteText(path, ComparisonReport.Render(runs));
            Console.MarkupLineInterpolated($"wrote {Path.GetFullPath(path)}");
        }
        return ExitCodes.Success;
    }
}
