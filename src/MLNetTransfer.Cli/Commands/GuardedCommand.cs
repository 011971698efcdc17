using MLNetTransfer.Core;
using Spectre.Console;
using Spectre.Console.Cli;

namespace MLNetTransfer.Cli.Commands;

/// <summary>
/// Turns the library's input errors into one red line and exit code 2, and cancellation into 130, so every verb
/// reports bad input the same way.
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
            return ExitCodes.BadInput;
        }
        catch (OperationCanceledException)
        {
            Console.MarkupLine("[yellow]cancelled[/]");
            return ExitCodes.Cancelled;
        }
    }

    /// <summary>The verb's work; returns the exit code.</summary>
    protected abstract int Run(TSettings settings, CancellationToken cancellation);
}
