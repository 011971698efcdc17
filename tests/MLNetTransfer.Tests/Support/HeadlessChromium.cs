using System.Diagnostics;

namespace MLNetTransfer.Tests.Support;

/// <summary>Debian's Chromium run headless, as root, with no network (the flags this machine's notes call for).</summary>
public static class HeadlessChromium
{
    /// <summary>The browser, from CHROMIUM or the usual places; null where none is installed.</summary>
    public static string? Path { get; } = new[] { Environment.GetEnvironmentVariable("CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser" }
        .FirstOrDefault(p => !string.IsNullOrEmpty(p) && File.Exists(p));

    /// <summary>Loads <paramref name="html"/> and returns the DOM after its scripts ran, and the browser's log (console messages included).</summary>
    public static (string Dom, string Log) DumpDom(string html, int width = 1200, int height = 900) =>
        Run(html, "--dump-dom", $"--window-size={width},{height}");

    /// <summary>Writes a PNG screenshot of <paramref name="html"/>'s page at the given window size.</summary>
    public static void Screenshot(string html, string png, int width = 1200, int height = 4000) =>
        Run(html, $"--screenshot={png}", $"--window-size={width},{height}");

    static (string Output, string Log) Run(string html, params string[] action)
    {
        var profile = Directory.CreateTempSubdirectory("chromium-profile-");
        try
        {
            var start = new ProcessStartInfo(Path ?? throw new InvalidOperationException("Chromium is not installed"))
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            foreach (var flag in new[] { "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                         "--disable-background-networking", "--disable-component-update", "--disable-sync", $"--user-data-dir={profile.FullName}",
                         "--enable-logging=stderr", "--v=0", "--virtual-time-budget=5000" }.Concat(action))
                start.ArgumentList.Add(flag);
            start.ArgumentList.Add(new Uri(html).AbsoluteUri);
            using var process = Process.Start(start)!;
            var error = process.StandardError.ReadToEndAsync();
            var output = process.StandardOutput.ReadToEnd();
            if (!process.WaitForExit(120_000)) process.Kill(entireProcessTree: true);
            return (output, error.Result);
        }
        finally
        {
            profile.Delete(recursive: true);
        }
    }
}

/// <summary>A fact that needs headless Chromium; skipped, with the reason shown, where it is not installed (.ci/run installs it on Debian).</summary>
public sealed class ChromiumFactAttribute : FactAttribute
{
    public ChromiumFactAttribute()
    {
        if (HeadlessChromium.Path is null) Skip = "Chromium not found (set CHROMIUM, or install Debian's chromium package as .ci/run does)";
    }
}
