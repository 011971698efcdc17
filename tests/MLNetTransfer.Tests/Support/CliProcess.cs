using System.Diagnostics;

namespace MLNetTransfer.Tests.Support;

/// <summary>The real CLI in a process of its own, as a user's shell runs it.</summary>
public static class CliProcess
{
    /// <summary>
    /// Starts <c>mlnet-transfer</c> with <paramref name="arguments"/>; its standard output and error lines are added to
    /// <paramref name="output"/>. Both pipes are drained, so a full pipe never blocks the child.
    /// </summary>
    public static Process Start(List<string> output, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "mlnet-transfer.dll"));
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        var process = Process.Start(start)!;
        void Add(object _, DataReceivedEventArgs e)
        {
            if (e.Data is { } line) lock (output) output.Add(line);
        }
        process.OutputDataReceived += Add;
        process.ErrorDataReceived += Add;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    /// <summary>Runs the CLI to its end (at most <paramref name="minutes"/>): its exit code and everything it printed.</summary>
    public static (int ExitCode, string Output) Run(double minutes, params string[] arguments)
    {
        var output = new List<string>();
        using var process = Start(output, arguments);
        if (!process.WaitForExit(TimeSpan.FromMinutes(minutes)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"mlnet-transfer {string.Join(' ', arguments)} ran over {minutes} minutes");
        }
        process.WaitForExit(); // and its output read to the end
        lock (output) return (process.ExitCode, string.Join('\n', output));
    }
}
