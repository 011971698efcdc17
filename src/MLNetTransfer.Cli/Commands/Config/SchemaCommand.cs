using MLNetTransfer.Experiments;
using Spectre.Console;
using Spectre.Console.Cli;

namespace MLNetTransfer.Cli.Commands.Config;

/// <summary><c>mlnet-transfer config schema</c>.</summary>
public sealed class SchemaCommand(IAnsiConsole console) : GuardedCommand<EmptyCommandSettings>(console)
{
    protected override int Run(EmptyCommandSettings settings, CancellationToken cancellation)
    {
        Console.Profile.Out.Writer.Write(ConfigSchema.Generate());
        return ExitCodes.Success;
    }
}
