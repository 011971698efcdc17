using System.ComponentModel;
using System.Globalization;
using MLNetTransfer.Core;
using MLNetTransfer.Experiments;
using Spectre.Console;
using Spectre.Console.Cli;

namespace MLNetTransfer.Cli.Commands.Suspects;

/// <summary>
/// <c>mlnet-transfer suspects &lt;run&gt;</c>: the training photos whose given label a head that never saw them finds
/// least likely, most suspect first: where to look for mislabelled photos.
/// </summary>
public sealed class SuspectsCommand(IAnsiConsole console) : GuardedCommand<SuspectsCommand.Settings>(console)
{
    public sealed class Settings : RunSettings
    {
        [CommandOption("-n|--top")]
        [Description("How many photos to list.")]
        [DefaultValue(20)]
        public int Top { get; init; } = 20;

        public override ValidationResult Validate() => Top < 1 ? ValidationResult.Error("--top must be at least 1") : ValidationResult.Success();
    }

    protected override int Run(Settings settings, CancellationToken cancellation)
    {
        var run = TrainedRun.Open(settings.Run);
        var classes = run.Classes;
        IReadOnlyList<Evaluation.Prediction> ranked = null!;
        Console.Status().Start($"Scoring the training photos out of fold ({OutOfFoldPredictions.Folds} folds)", context =>
            ranked = SuspectedMislabels.Of(run, () => new ImmediateProgress<int>(done => context.Status($"Extracting features of the training photos: {done}")), cancellation));
        var table = new Table().AddColumns("#", "photo", "given label", "probability of it", "model's class", "its probability");
        foreach (var (p, i) in ranked.Take(settings.Top).Select((p, i) => (p, i)))
        {
            table.AddRow((i + 1).ToString(CultureInfo.InvariantCulture), Markup.Escape(p.ImagePath), Markup.Escape(p.Label!),
                SuspectedMislabels.GivenLabelProbability(p, classes).ToString("P1", CultureInfo.InvariantCulture),
                Markup.Escape(p.PredictedLabel), p.Scores.Max().ToString("P1", CultureInfo.InvariantCulture));
        }
        Console.Write(table);
        Console.MarkupLineInterpolated($"{ranked.Count} training photos ranked by out-of-fold predictions, most suspect first, in {run.Folder.File(SuspectedMislabels.FileName)}");
        return ExitCodes.Success;
    }
}
