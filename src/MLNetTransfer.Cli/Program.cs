using MLNetTransfer.Cli;
using Spectre.Console;
using Spectre.Console.Cli;

// Ctrl-C cancels the running command through its CancellationToken instead of killing the process mid-write.
using var cancellation = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancellation.Cancel();
};
// Output piped to a script or a log keeps whole lines: Spectre.Console would wrap them at 80 columns otherwise,
// splitting the paths and the "test accuracy: ... run folder: ..." line that scripts read.
if (Console.IsOutputRedirected) AnsiConsole.Profile.Width = 1000;
// Before any native library allocates: memory then stays flat over long runs (see NativeHeap).
MLNetTransfer.Core.NativeHeap.TrimWhileRunning();
var app = new CommandApp();
app.Configure(CliSetup.Configure);
return app.Run(args, cancellation.Token);
