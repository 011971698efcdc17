using System.ComponentModel;
using System.Globalization;
using MLNetTransfer.Cli.Rendering;
using MLNetTransfer.Experiments;
using Spectre.Console;
using Spectre.Console.Cli;

namespace MLNetTransfer.Cli.Commands.Train;

/// <summary><c>mlnet-transfer train &lt;config&gt;</c>.</summary>
public sealed class TrainCommand(IAnsiConsole console) : GuardedCommand<TrainCommand.Settings>(console)
{
    public sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "<config>")]
        [Description("The experiment's JSON config, e.g. configs/quickstart.json.")]
        public string Config { get; init; } = "";

        [CommandOption("--resume <RUN>")]
        [Description("Continue this interrupted run of the same config from its last checkpoint (frozen-base, fine-tune, from-scratch).")]
        public string? Resume { get; init; }
    }

    protected override int Run(Settings settings, CancellationToken cancellation)
    {
        var definition = ExperimentConfigReader.Read(settings.Config);
        Console.MarkupLineInterpolated($"[bold]{definition.Config.Name}[/]: {definition.Config.Description ?? ""}");
        var result = ProgressDisplay.Show(Console, progress => new ExperimentRunner(progress).Run(definition, cancellation, settings.Resume));

        var record = result.Record;
        var test = result.Metrics.Test;
        var counts = record.Dataset.Counts;
        int Total(string set) => counts[set].Values.Sum();
        var summary = new Table().Border(TableBorder.Rounded).Title("run summary").HideHeaders().AddColumns("", "");
        summary.AddRow("experiment", Markup.Escape(record.Experiment));
        var head = definition.Config.Head is { } mlnet ? Json(mlnet.Trainer)
            : $"dense [{string.Join(", ", definition.Config.Classifier!.HiddenUnits!)}], {definition.Config.Training!.Phases!.Sum(p => p.Epochs)} epochs";
        summary.AddRow("mode / backbone / head", Markup.Escape($"{Json(record.Mode)} / {record.Backbone} / {head}"));
        summary.AddRow("images train / validation / test", $"{Total("train")} / {Total("validation")} / {Total("test")}");
        if (record.Dataset.Skipped.Count > 0) summary.AddRow("[yellow]files skipped[/]", $"{record.Dataset.Skipped.Count} (listed in run.json)");
        if (result.Metrics.Validation is { } validation) summary.AddRow("validation accuracy", MetricsTables.Percent(validation.Accuracy));
        summary.AddRow("[bold]test accuracy[/]", $"[bold]{MetricsTables.Percent(test.Accuracy)}[/]");
        summary.AddRow("test macro accuracy / log-loss / AUC", $"{MetricsTables.Percent(test.MacroAccuracy)} / {MetricsTables.Number(test.LogLoss)} / {MetricsTables.Number(test.Auc)}");
        summary.AddRow("time", $"{record.Seconds?.ToString("0.0", CultureInfo.InvariantCulture)} s");
        summary.AddRow("run folder", Markup.Escape(result.Folder));
        Console.Write(summary);
        Console.Write(MetricsTables.PerClass(test));
        // One plain line that scripts can grep.
        Console.WriteLine($"test accuracy: {test.Accuracy.ToString("0.0000", CultureInfo.InvariantCulture)}  run folder: {result.Folder}");
        return ExitCodes.Success;
    }

    static string Json(Enum value) => System.Text.Json.JsonNamingPolicy.KebabCaseLower.ConvertName(value.ToString());
}
