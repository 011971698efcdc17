using System.ComponentModel;
using System.Globalization;
using MLNetTransfer.Cli.Rendering;
using MLNetTransfer.Core;
using MLNetTransfer.Data;
using MLNetTransfer.Evaluation;
using MLNetTransfer.Experiments;
using Spectre.Console;
using Spectre.Console.Cli;

namespace MLNetTransfer.Cli.Commands.Predict;

/// <summary>
/// <c>mlnet-transfer predict &lt;run&gt; &lt;image or folder&gt;...</c>. Files that are no usable image are skipped,
/// named with the reason (and listed in <c>&lt;csv&gt;.skipped.csv</c> beside <c>--csv</c>); the exit code stays 0.
/// </summary>
public sealed class PredictCommand(IAnsiConsole console) : GuardedCommand<PredictCommand.Settings>(console)
{
    public sealed class Settings : RunSettings
    {
        [CommandArgument(1, "<images>")]
        [Description("Image files, or folders searched recursively for images.")]
        public string[] Images { get; init; } = [];

        [CommandOption("--csv <FILE>")]
        [Description("Also write the predictions, with every class's probability, to this CSV file.")]
        public string? Csv { get; init; }

        [CommandOption("--heatmaps <DIR>")]
        [Description("Also draw each image's heat-map from model.zip's Heatmap column (a model trained with export.heatmap) into this folder, with ML.NET and ONNX Runtime alone.")]
        public string? Heatmaps { get; init; }
    }

    protected override int Run(Settings settings, CancellationToken cancellation)
    {
        var run = TrainedRun.Open(settings.Run);
        var (files, skipped) = ImageFolder.CheckedFilesIn(settings.Images);

        var overlays = settings.Heatmaps is { } heatmaps ? new ModelHeatmapOverlays(run, heatmaps) : null;
        var input = run.Ml.Data.LoadFromEnumerable(files.Select(f => new ImageInput { ImagePath = f }));
        var predictions = ClassifierEvaluator.Predictions(run.Model.Transform(input), files.Select(f => (f, (string?)null)).ToList(),
            cancellation: cancellation, alongside: overlays?.Reader(files));
        var table = new Table().Border(TableBorder.Rounded).AddColumns("image", "predicted", "probability");
        foreach (var p in predictions)
            table.AddRow(Markup.Escape(p.ImagePath), Markup.Escape(p.PredictedLabel), MetricsTables.Percent(p.Scores.Max()));
        Console.Write(table);
        if (settings.Csv is { } csv)
        {
            File.WriteAllText(csv, PredictionsCsv.Format(predictions, run.Classes));
            Console.WriteLine($"written to {Path.GetFullPath(csv)}");
        }
        SkippedFiles.Report(Console, skipped, settings.Csv is { } written ? Path.ChangeExtension(written, ".skipped.csv") : null);
        if (overlays is not null) Console.WriteLine($"{overlays.Files.Count} heat-maps from model.zip written to {Path.GetFullPath(settings.Heatmaps!)}");
        return ExitCodes.Success;
    }
}
