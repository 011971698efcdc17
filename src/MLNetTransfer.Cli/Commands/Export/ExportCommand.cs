using System.ComponentModel;
using MLNetTransfer.Core;
using MLNetTransfer.Experiments;
using Spectre.Console;
using Spectre.Console.Cli;

namespace MLNetTransfer.Cli.Commands.Export;

/// <summary>
/// <c>mlnet-transfer export &lt;run&gt; --heatmap</c>: saves a finished run's model.zip again with what
/// <c>export</c> in a config would have added, for a run trained without it.
/// </summary>
public sealed class ExportCommand(IAnsiConsole console) : GuardedCommand<ExportCommand.Settings>(console)
{
    public sealed class Settings : RunSettings
    {
        [CommandOption("--heatmap")]
        [Description("Add the Heatmap column: Grad-CAM of the predicted class at the explained layer, computed by ONNX operators in model.zip.")]
        public bool Heatmap { get; init; }
    }

    protected override int Run(Settings settings, CancellationToken cancellation)
    {
        if (!settings.Heatmap) throw new DataException("nothing to export: say what to add to the model, e.g. --heatmap");
        var run = TrainedRun.Open(settings.Run);
        Console.Status().Start("Adding the Heatmap column", _ => run.AddHeatmap());
        var size = TrainedRun.Open(settings.Run).HeatmapSize!.Value;
        Console.MarkupLineInterpolated($"{run.Folder.File(RunFolder.ModelFile)} now outputs a {size.Height} x {size.Width} Heatmap column beside Score");
        return ExitCodes.Success;
    }
}
