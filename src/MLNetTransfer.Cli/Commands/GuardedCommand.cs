using MLNetTransfer.Core;
using MLNetTransfer.Experiments;
using Spectre.Console;
using Spectre.Console.Cli;

namespace MLNetTransfer.Cli.Commands;

/// <summary>
/// Turns the library's input errors into one red line and exit code 2, cancellation into 130, and anything else into
/// one red line, exit code 1 and the full trace in a file (the run's error.log, or a temporary file), so every verb
/// reports failures the same way.
/// </summary>
public abstract class GuardedCommand<TSettings>(IAnsiConsole console) : Command<TSettings> where TSettings : CommandSettings
{
    protected IAnsiConsole Console { get; } = console;

    public sealed override int Execute(CommandContext context, TSettings settings, CancellationToken cancellation)
    {
        try
        {
            return Run(settings, cancellation);
        }
        catch (Exception e) when (e is ConfigException or DataException)
        {
            Console.MarkupLineInterpolated($"[red]error:[/] {e.Message}");
            Incomplete(e);
            return ExitCodes.BadInput;
        }
        catch (OperationCanceledException e)
        {
            Console.MarkupLine("[yellow]cancelled[/]");
            Incomplete(e);
            return ExitCodes.Cancelled;
        }
        catch (Exception e)
        {
            Console.MarkupLineInterpolated($"[red]error:[/] {e.Message}");
            Incomplete(e);
            var log = RunFailure.Of(e)?.ErrorLog ?? TemporaryLog(e);
            Console.MarkupLineInterpolated($"the full trace is in {log ?? "no file (none could be written)"}; please add it to a bug report");
            return ExitCodes.Failure;
        }
    }

    void Incomplete(Exception e)
    {
        if (RunFailure.Of(e) is { Recorded: false } failure)
            Console.MarkupLineInterpolated($"[red]the run folder {failure.Folder} is incomplete:[/] its run.json could not be updated, so it does not say how the run ended");
    }

    // Where no run folder holds it: a file of its own in the temporary folder.
    static string? TemporaryLog(Exception e)
    {
        var path = Path.Combine(Path.GetTempPath(), $"mlnet-transfer-error-{DateTime.UtcNow:yyyyMMdd-HHmmss}-{Environment.ProcessId}.log");
        try
        {
            File.WriteAllText(path, e.ToString());
            return path;
        }
        catch (Exception write) when (write is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>The verb's work; returns the exit code.</summary>
    protected abstract int Run(TSettings settings, CancellationToken cancellation);
}
