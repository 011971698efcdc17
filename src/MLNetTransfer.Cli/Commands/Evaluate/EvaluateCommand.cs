using System.ComponentModel;
using System.Globalization;
using MLNetTransfer.Cli.Rendering;
using MLNetTransfer.Core;
using MLNetTransfer.Data;
using MLNetTransfer.Evaluation;
using MLNetTransfer.Experiments;
using Spectre.Console;
using Spectre.Console.Cli;

namespace MLNetTransfer.Cli.Commands.Evaluate;

/// <summary><c>mlnet-transfer evaluate &lt;run&gt; [--data DIR]</c>.</summary>
public sealed class EvaluateCommand(IAnsiConsole console) : GuardedCommand<EvaluateCommand.Settings>(console)
{
    public sealed class Settings : RunSettings
    {
        [CommandOption("--data <DIR>")]
        [Description("Evaluate on this folder (one sub-folder per class) instead of the run's test set.")]
        public string? Data { get; init; }
    }

    protected override int Run(Settings settings, CancellationToken cancellation)
    {
        var run = TrainedRun.Open(settings.Run);
        var (images, skipped) = settings.Data is null ? TestSet(run) : FromFolder(settings.Data, run.Classes);
        var (metrics, predictions) = ProgressDisplay.Show(Console, progress =>
        {
            var predicted = ClassifierEvaluator.Predict(run.Ml, run.Model, images.Select(i => (i.Path, (string?)i.Label)).ToList(),
                new ImmediateProgress<int>(done => progress.Report(new RunProgress("Scoring images", done, images.Count))), cancellation);
            return (ClassifierEvaluator.Evaluate(run.Ml, predicted, run.Classes), predicted);
        });

        var output = Path.Combine(run.Folder.Path, "evaluations", DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture));
        Directory.CreateDirectory(output);
        var folder = RunFolder.Open(output);
        folder.WriteJson(RunFolder.MetricsFile, metrics);
        folder.WriteText(RunFolder.PredictionsFile, PredictionsCsv.Format(predictions, run.Classes));

        SkippedFiles.Report(Console, skipped, Path.Combine(output, SkippedFile.CsvFile));
        Console.Write(MetricsTables.PerClass(metrics));
        if (MetricsTables.MostConfused(metrics) is { } confused) Console.Write(confused);
        Console.WriteLine($"accuracy: {metrics.Accuracy.ToString("0.0000", CultureInfo.InvariantCulture)} on {metrics.Count} images  " +
                          $"(macro accuracy {MetricsTables.Percent(metrics.MacroAccuracy)}, log-loss {MetricsTables.Number(metrics.LogLoss)}, AUC {MetricsTables.Number(metrics.Auc)})");
        Console.WriteLine($"written to {output}");
        return ExitCodes.Success;
    }

    // The run's test photos that are still usable: files changed or removed since training are skipped, not fatal.
    static (IReadOnlyList<LabeledImage>, IReadOnlyList<SkippedFile>) TestSet(TrainedRun run) =>
        ImageFolder.Usable(run.TestImages, i => i.Path, "the run's test images");

    static (IReadOnlyList<LabeledImage>, IReadOnlyList<SkippedFile>) FromFolder(string data, IReadOnlyList<string> classes)
    {
        var folder = ImageFolder.Scan(data, runMarkers: RunFolder.Markers);
        var unknown = folder.Classes.Except(classes).ToList();
        if (unknown.Count > 0)
            throw new DataException($"{data}: class folder(s) {string.Join(", ", unknown)} are not among the model's classes ({string.Join(", ", classes)})");
        return (folder.Images, folder.Skipped);
    }
}
