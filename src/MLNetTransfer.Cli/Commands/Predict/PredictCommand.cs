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

/// <summary><c>mlnet-transfer predict &lt;run&gt; &lt;image or folder&gt;...</c>.</summary>
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
    }

    protected override int Run(Settings settings, CancellationToken cancellation)
    {
        var run = TrainedRun.Open(settings.Run);
        var files = ImageFolder.FilesIn(settings.Images).ToList();
        if (files.Count == 0) throw new DataException($"no images found in {string.Join(", ", settings.Images)}");

        var predictions = ClassifierEvaluator.Predict(run.Ml, run.Model, files.Select(f => (f, (string?)null)).ToList(), cancellation: cancellation);
        var table = new Table().Border(TableBorder.Rounded).AddColumns("image", "predicted", "probability");
        foreach (var p in predictions)
            table.AddRow(Markup.Escape(p.ImagePath), Markup.Escape(p.PredictedLabel), MetricsTables.Percent(p.Scores.Max()));
        Console.Write(table);
        if (settings.Csv is { } csv)
        {
            File.WriteAllText(csv, PredictionsCsv.Format(predictions, run.Classes));
            Console.WriteLine($"written to {Path.GetFullPath(csv)}");
        }
        return ExitCodes.Success;
    }
}
