using MLNetTransfer.Cli;
using Spectre.Console.Cli.Testing;

namespace MLNetTransfer.Tests.Support;

/// <summary>The <c>mlnet-transfer</c> verbs run in the test's process, their console output captured.</summary>
public static class CliApp
{
    public static CommandAppResult Run(params string[] args)
    {
        var app = new CommandAppTester();
        app.Configure(CliSetup.Configure);
        return app.Run(args);
    }
}
