using MLNetTransfer.Experiments;
using MLNetTransfer.Reports;
using Spectre.Console;

namespace MLNetTransfer.Cli.Commands.Report;

/// <summary><c>mlnet-transfer report &lt;run&gt;</c>: writes the run's report.html and report.json again.</summary>
public sealed class ReportCommand(IAnsiConsole console) : GuardedCommand<RunSettings>(console)
{
    protected override int Run(RunSettings settings, CancellationToken cancellation)
    {
        Console.MarkupLineInterpolated($"report: {Write(Console, TrainedRun.Open(settings.Run), cancellation)}");
        return ExitCodes.Success;
    }

    /// <summary>Writes the report of <paramref name="run"/>, showing each step; returns the HTML file's path.</summary>
    public static string Write(IAnsiConsole console, TrainedRun run, CancellationToken cancellation)
    {
        console.Status().Start("Writing the report", context => ReportWriter.Write(run, step: text => context.Status(Markup.Escape(text)), cancellation: cancellation));
        return run.Folder.File(ReportWriter.HtmlFile);
    }
}
