using System.ComponentModel;
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
        var runs = new List<ComparedRun>();
        foreach (var run in settings.Runs)
        {
            if (TrainedRun.Unfinished(run) is { } why) Console.MarkupLineInterpolated($"[yellow]not compared:[/] {why}");
            else runs.Add(ComparedRun.Read(run));
        }
        if (runs.Count == 0) throw new DataException("none of the runs has finished, so there is nothing to compare");
        Console.Write(ComparisonTable.Of(runs));
        if (settings.Out is { } path)
        {
            AtomicFile.WriteText(path, ComparisonReport.Render(runs));
            Console.MarkupLineInterpolated($"wrote {Path.GetFullPath(path)}");
        }
        return ExitCodes.Success;
    }
}
