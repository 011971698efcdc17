using System.Diagnostics;

namespace MLNetTransfer.Experiments;

/// <summary>
/// How a reader tells a run in progress from one whose process was killed, which can write nothing more: run.json
/// names the process and host, and the process touches <see cref="File"/> in the run folder every
/// <see cref="Interval"/> while it runs.
/// </summary>
public sealed class RunHeartbeat : IDisposable
{
    /// <summary>The file whose modification time is the heartbeat; removed when the run ends.</summary>
    public const string File = "run.heartbeat";

    /// <summary>How often the running process touches <see cref="File"/>.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);

    /// <summary>A heartbeat older than this means the process is gone: 12 missed beats, so a busy machine never looks dead.</summary>
    public static readonly TimeSpan Stale = TimeSpan.FromMinutes(2);

    readonly string path;
    readonly Timer timer;

    RunHeartbeat(string path)
    {
        this.path = path;
        System.IO.File.WriteAllText(path, $"{Environment.ProcessId} {Environment.MachineName}\n");
        timer = new Timer(_ => Beat(), null, Interval, Interval);
    }

    /// <summary>Starts beating in <paramref name="folder"/>; disposing stops it and removes the file.</summary>
    public static RunHeartbeat Start(RunFolder folder) => new(folder.File(File));

    void Beat()
    {
        try
        {
            System.IO.File.SetLastWriteTimeUtc(path, DateTime.UtcNow);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A missed beat only matters if they all are missed, and then the run is indeed in trouble.
        }
    }

    public void Dispose()
    {
        timer.Dispose();
        try
        {
            System.IO.File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // run.json's final status is written before this, and readers trust it over the heartbeat.
        }
    }

    /// <summary>
    /// The status to show for a run: run.json's, except that a <see cref="RunRecord.Running"/> run whose process is
    /// gone (on this host, no such process since the run started; anywhere, no heartbeat for <see cref="Stale"/>) is
    /// <see cref="RunRecord.Killed"/>. Runs written before run.json named their process keep what they say.
    /// </summary>
    public static string StatusOf(RunFolder folder, RunRecord record)
    {
        if (record.Status != RunRecord.Running || record.ProcessId is not { } id) return record.Status;
        if (record.Host == Environment.MachineName && !Alive(id, record.StartedUtc)) return RunRecord.Killed;
        var heartbeat = new FileInfo(folder.File(File));
        return !heartbeat.Exists || DateTime.UtcNow - heartbeat.LastWriteTimeUtc > Stale ? RunRecord.Killed : RunRecord.Running;
    }

    /// <summary>A sentence on who runs <paramref name="record"/>, for messages about a run in progress.</summary>
    public static string Owner(RunRecord record) => $"process {record.ProcessId} on {record.Host}";

    // A process with that id that started before the run did (a later one merely reuses the id).
    static bool Alive(int id, DateTime startedUtc)
    {
        try
        {
            using var process = Process.GetProcessById(id);
            return process.HasExited is false && process.StartTime.ToUniversalTime() <= startedUtc.AddSeconds(1);
        }
        catch (ArgumentException)
        {
            return false; // no such process
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception or NotSupportedException)
        {
            return true; // there is one, but its start time cannot be read: let the heartbeat decide
        }
    }
}
