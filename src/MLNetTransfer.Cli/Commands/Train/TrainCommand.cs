using System.ComponentModel;
using System.Globalization;
using MLNetTransfer.Cli.Commands.Report;
using MLNetTransfer.Cli.Rendering;
using MLNetTransfer.Experiments;
using MLNetTransfer.Reports;
using MLNetTransfer.Training;
using Spectre.Console;
using Spectre.Console.Cli;

namespace MLNetTransfer.Cli.Commands.Train;

/// <summary><c>mlnet-transfer train &lt;config&gt;...</c>.</summary>
public sealed class TrainCommand(IAnsiConsole console) : GuardedCommand<TrainCommand.Settings>(console)
{
    public sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "<configs>")]
        [Description("The experiments' JSON configs, e.g. configs/quickstart.json; several run one after another and end with a table comparing them.")]
        public string[] Configs { get; init; } = [];

        [CommandOption("--resume <RUN>")]
        [Description("Continue this interrupted run of the (single) config from its last checkpoint (frozen-base, fine-tune, from-scratch).")]
        public string? Resume { get; init; }

        [CommandOption("--no-report")]
        [Description("Skip report.html (Grad-CAM over the test set, activations, filter ascent) at the end of each run.")]
        public bool NoReport { get; init; }

        [CommandOption("--seed <N>")]
        [Description("Use this seed instead of the configs' own (the split, initial weights and augmentation draws follow it), e.g. to repeat experiments over several seeds.")]
        public int? Seed { get; init; }

        [CommandOption("--lr-find")]
        [Description("Before training a network, sweep its first phase's learning rate as lr-find does (the weights are left as they were): lr-find.csv, lr-find.png and a chart in the report. The suggested rate is printed, not used.")]
        public bool LearningRateFind { get; init; }

        public override ValidationResult Validate() =>
            Resume is not null && Configs.Length != 1 ? ValidationResult.Error("--resume takes exactly one config")
            : Resume is not null && Seed is not null ? ValidationResult.Error("--resume continues a run with its own seed; leave --seed out")
            : ValidationResult.Success();
    }

    protected override int Run(Settings settings, CancellationToken cancellation)
    {
        // Read every config first, so a typo in the last one is found before hours of training.
        var definitions = settings.Configs.Select(ExperimentConfigReader.Read)
            .Select(d => settings.Seed is { } seed ? d with { Config = d.Config with { Seed = seed } } : d).ToList();
        var folders = new List<string>();
        foreach (var definition in definitions)
        {
            Console.MarkupLineInterpolated($"[bold]{definition.Config.Name}[/]: {definition.Config.Description ?? ""}");
            var result = ProgressDisplay.Show(Console, progress => new ExperimentRunner(progress) { LearningRateSweep = settings.LearningRateFind ? new() : null }
                .Run(definition, cancellation, settings.Resume));
            Summarise(definition, result);
            if (!settings.NoReport) Console.MarkupLineInterpolated($"report: {ReportCommand.Write(Console, TrainedRun.Open(result.Folder), cancellation)}");
            folders.Add(result.Folder);
        }
        if (folders.Count > 1) Console.Write(ComparisonTable.Of(folders.Select(ComparedRun.Read).ToList()));
        return ExitCodes.Success;
    }

    void Summarise(ExperimentDefinition definition, RunResult result)
    {
        var record = result.Record;
        var test = result.Metrics.Test;
        var counts = record.Dataset.Counts;
        int Total(string set) => counts[set].Values.Sum();
        var summary = new Table().Border(TableBorder.Rounded).Title("run summary").HideHeaders().AddColumns("", "");
        summary.AddRow("experiment", Markup.Escape(record.Experiment));
        summary.AddRow("mode / backbone / head", Markup.Escape($"{ConfigJson.Name(record.Mode)} / {record.Backbone.Name} / {definition.Resolved.Head}"));
        summary.AddRow("images train / validation / test", $"{Total("train")} / {Total("validation")} / {Total("test")}");
        if (record.Dataset.Skipped.Count > 0) summary.AddRow("[yellow]files skipped[/]", $"{record.Dataset.Skipped.Count} (listed below and in run.json)");
        if (result.Metrics.Validation is { } validation) summary.AddRow("validation accuracy", MetricsTables.Percent(validation.Accuracy));
        summary.AddRow("[bold]test accuracy[/]", $"[bold]{MetricsTables.Percent(test.Accuracy)}[/]");
        summary.AddRow("test macro accuracy / log-loss / AUC", $"{MetricsTables.Percent(test.MacroAccuracy)} / {MetricsTables.Number(test.LogLoss)} / {MetricsTables.Number(test.Auc ?? test.MeanAuc)}{(test.Auc is null && test.MeanAuc is not null ? " (mean one-vs-rest)" : "")}");
        if (test.TopK is { Count: > 0 } topK)
            summary.AddRow($"test {string.Join(" / ", topK.Select(t => $"top-{t.K}"))} accuracy / macro F1", $"{string.Join(" / ", topK.Select(t => MetricsTables.Percent(t.Accuracy)))} / {MetricsTables.Percent(test.MacroF1 ?? 0)}");
        if (test.Calibration is { } calibration)
            summary.AddRow("test expected calibration error", MetricsTables.Number(calibration.ExpectedCalibrationError)
                + (result.Metrics is { Temperature: { } t, TestBeforeScaling.Calibration: { } before } ? $" ({MetricsTables.Number(before.ExpectedCalibrationError)} before temperature scaling, T = {MetricsTables.Number(t)})" : ""));
        if (LearningRateFinder.Read(result.Folder) is { } sweep)
            summary.AddRow("learning-rate sweep", $"suggested {sweep.Suggested:0.0e0} (valley; lowest loss at {sweep.MinimumRate:0.0e0}), {LearningRateSweep.PictureFile} in the run folder");
        summary.AddRow("time", Seconds(record) + (record.Precision is { } precision ? $", trained in {ConfigJson.Name(precision)}" : ""));
        foreach (var note in record.Notes ?? []) summary.AddRow("[yellow]note[/]", Markup.Escape(note));
        summary.AddRow("run folder", Markup.Escape(result.Folder));
        Console.Write(summary);
        Files("files skipped", "reason", record.Dataset.Skipped.Select(f => (f.Path, f.Reason)).ToList());
        Files("[yellow]files used with a warning[/]", "warning", record.Dataset.Warnings?.Select(f => (f.Path, f.Warning)).ToList() ?? []);
        Console.Write(MetricsTables.PerClass(test));
        if (MetricsTables.MostConfused(test) is { } confused) Console.Write(confused);
        // One plain line that scripts can grep.
        Console.WriteLine($"test accuracy: {test.Accuracy.ToString("0.0000", CultureInfo.InvariantCulture)}  run folder: {result.Folder}");
    }

    // The first 20 files with what is said of each; run.json lists them all.
    void Files(string title, string column, IReadOnlyList<(string Path, string Text)> files)
    {
        const int shown = 20;
        if (files.Count == 0) return;
        var table = new Table().Border(TableBorder.Rounded).Title(title).AddColumns("file", column);
        foreach (var (path, text) in files.Take(shown)) table.AddRow(Markup.Escape(path), Markup.Escape(text));
        if (files.Count > shown) table.AddRow($"... and {files.Count - shown} more (run.json lists them all)", "");
        Console.Write(table);
    }

    static string Seconds(RunRecord record) => $"{record.Seconds?.ToString("0.0", CultureInfo.InvariantCulture)} s";
}
