using MLNetTransfer.Core;
using MLNetTransfer.Experiments;
using Spectre.Console;

namespace MLNetTransfer.Cli.Rendering;

/// <summary>
/// Draws the library's <see cref="RunProgress"/> reports as Spectre.Console progress bars, one per step. Reports may
/// come from several threads at once (image generation reports from a parallel loop), so the steps' bars are found and
/// added under a lock.
/// </summary>
public static class ProgressDisplay
{
    /// <summary>Runs <paramref name="work"/> while showing its progress; returns its result.</summary>
    public static T Show<T>(IAnsiConsole console, Func<IProgress<RunProgress>, T> work)
    {
        T result = default!;
        console.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new SpinnerColumn())
            .Start(context =>
            {
                var tasks = new Dictionary<string, ProgressTask>();
                ProgressTask? current = null;
                var gate = new object();
                var progress = new ImmediateProgress<RunProgress>(report =>
                {
                    lock (gate) Draw(report);
                });
                void Draw(RunProgress report)
                {
                    if (!tasks.TryGetValue(report.Step, out var task))
                    {
                        current?.StopTask();
                        if (current is { IsIndeterminate: true }) current.Value = current.MaxValue;
                        task = context.AddTask(Markup.Escape(report.Step), maxValue: Math.Max(1, report.Total));
                        task.IsIndeterminate = report.Total == 0;
                        tasks[report.Step] = task;
                        current = task;
                    }
                    task.Value = report.Done;
                    if (report.Detail is { } detail) task.Description = Markup.Escape($"{report.Step}: {detail}");
                }
                result = work(progress);
                lock (gate)
                    foreach (var task in tasks.Values)
                    {
                        task.Value = task.MaxValue;
                        task.StopTask();
                    }
            });
        return result;
    }
}
