using MLNetTransfer.Core;
using MLNetTransfer.Data;
using Spectre.Console;

namespace MLNetTransfer.Cli.Rendering;

/// <summary>How every verb reports the input files it left out: a line each on the console, and a CSV among its output files.</summary>
static class SkippedFiles
{
    /// <summary>Shows <paramref name="skipped"/>; where <paramref name="csv"/> is given, also lists them there.</summary>
    public static void Report(IAnsiConsole console, IReadOnlyList<SkippedFile> skipped, string? csv)
    {
        if (skipped.Count == 0) return;
        foreach (var file in skipped) console.MarkupLineInterpolated($"[yellow]skipped[/] {file.Path}: {file.Reason}");
        if (csv is null) return;
        AtomicFile.WriteText(csv, SkippedFile.FormatCsv(skipped));
        console.MarkupLineInterpolated($"{skipped.Count} file(s) skipped, listed in {Path.GetFullPath(csv)}");
    }
}
