using System.Diagnostics;
using System.Text.Json;
using MLNetTransfer.Core;

namespace MLNetTransfer.Cli.Benchmarks;

/// <summary>
/// A feature-extraction experiment on a folder of class sub-folders, run by this program's own <c>train</c> in a fresh
/// process as a user runs it: first from an empty feature store, then again with only the head changed (another L2
/// penalty), which reads the stored features and the stored featurizer. Both are timed from process start to exit.
/// </summary>
public static class RerunBench
{
    const int Reruns = 3;

    public static IReadOnlyList<Measurement> Run(string dataRoot, CancellationToken cancellation)
    {
        var work = Path.Combine(Path.GetTempPath(), "mlnet-transfer-rerun-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(work);
        try
        {
            var first = Config(work, "bench-first-run", dataRoot, l2: null);
            var rerun = Config(work, "bench-rerun", dataRoot, l2: 0.5);
            var (firstSeconds, firstMemory, images) = Train(first, cancellation);
            var reruns = Enumerable.Range(0, Reruns).Select(_ => Train(rerun, cancellation)).OrderBy(r => r.Seconds).ToList();
            var median = reruns[Reruns / 2];
            var firstRate = images / firstSeconds;
            return
            [
                new($"feature-extraction experiment, first run ({images} photos)", firstRate, "images/s", firstMemory),
                new($"the same, re-run with another head (median of {Reruns})", images / median.Seconds, "images/s", reruns.Max(r => r.PeakMegabytes),
                    new Dictionary<string, double> { ["first run"] = firstRate }),
            ];
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    static string Config(string folder, string name, string dataRoot, double? l2)
    {
        var head = new Dictionary<string, object> { ["trainer"] = "lbfgs-maximum-entropy" };
        if (l2 is { } penalty) head["l2Regularization"] = penalty;
        var config = new Dictionary<string, object>
        {
            ["name"] = name,
            ["seed"] = 42,
            ["dataset"] = new Dictionary<string, object> { ["root"] = Path.GetFullPath(dataRoot) },
            ["backbone"] = new Dictionary<string, object> { ["name"] = "resnet18" },
            ["mode"] = "feature-extraction",
            ["head"] = head,
            ["output"] = Path.Combine(folder, "runs"),
        };
        var path = Path.Combine(folder, name + ".json");
        File.WriteAllText(path, JsonSerializer.Serialize(config));
        return path;
    }

    // `train CONFIG --no-report` in a child process: its wall time, peak working set, and how many photos it used.
    static (double Seconds, double PeakMegabytes, int Images) Train(string config, CancellationToken cancellation)
    {
        // This program's own executable where it runs as one; otherwise (`dotnet mlnet-transfer.dll`, or a test host
        // running the command in its process) the dotnet host with the program's assembly.
        var self = Environment.ProcessPath!;
        var program = typeof(RerunBench).Assembly.Location;
        var executable = Path.GetFileNameWithoutExtension(self) == Path.GetFileNameWithoutExtension(program);
        var start = new ProcessStartInfo(executable || Path.GetFileNameWithoutExtension(self) == "dotnet" ? self : "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        if (!executable) start.ArgumentList.Add(program);
        foreach (var argument in new[] { "train", config, "--no-report" }) start.ArgumentList.Add(argument);

        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        using var memory = new MemorySampler(process);
        var output = process.StandardOutput.ReadToEndAsync(cancellation);
        var errors = process.StandardError.ReadToEndAsync(cancellation);
        try
        {
            process.WaitForExitAsync(cancellation).GetAwaiter().GetResult();
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        var seconds = clock.Elapsed.TotalSeconds;
        if (process.ExitCode != 0)
            throw new DataException($"the re-run bench's train {config} exited with {process.ExitCode}: {output.Result}{errors.Result}");

        var runFolder = output.Result.Split("run folder: ").Last().Trim();
        using var run = JsonDocument.Parse(File.ReadAllText(Path.Combine(runFolder, "run.json")));
        var images = run.RootElement.GetProperty("dataset").GetProperty("counts").EnumerateObject()
            .Sum(set => set.Value.EnumerateObject().Sum(c => c.Value.GetInt32()));
        return (seconds, memory.PeakMegabytes, images);
    }
}
