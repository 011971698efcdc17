using MLNetTransfer.Cli;
using Spectre.Console.Cli;

// Ctrl-C cancels the running command through its CancellationToken instead of killing the process mid-write.
using var cancellation = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancellation.Cancel();
};
var app = new CommandApp();
app.Configure(CliSetup.Configure);
return app.Run(args, cancellation.Token);
