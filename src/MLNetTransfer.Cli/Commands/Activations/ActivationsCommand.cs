using System.ComponentModel;
using MLNetTransfer.Core;
using MLNetTransfer.Data;
using MLNetTransfer.Experiments;
using MLNetTransfer.Interpretability;
using MLNetTransfer.Interpretability.Activations;
using Spectre.Console;
using Spectre.Console.Cli;

namespace MLNetTransfer.Cli.Commands.Activations;

/// <summary><c>mlnet-transfer activations &lt;run&gt; &lt;image&gt; [--layers] [--out]</c>.</summary>
public sealed class ActivationsCommand(IAnsiConsole console) : GuardedCommand<ActivationsCommand.Settings>(console)
{
    public sealed class Settings : RunSettings
    {
        [CommandArgument(1, "<image>")]
        [Description("The image whose activations are shown.")]
        public string Image { get; init; } = "";

        [CommandOption("--layers <ONNX_TENSORS>")]
        [Description("Comma-separated backbone tensors, by ONNX name. Default: the first eight convolution and activation outputs.")]
        public string? Layers { get; init; }

        [CommandOption("--channels <N>")]
        [Description("Channels shown per layer at most.")]
        [DefaultValue(64)]
        public int Channels { get; init; } = 64;

        [CommandOption("--out <DIR>")]
        [Description("Folder for the PNGs. Default: <run>/activations/<image name>.")]
        public string? Out { get; init; }

        public override ValidationResult Validate() =>
            Channels > 0 ? ValidationResult.Success() : ValidationResult.Error("--channels must be positive");
    }

    protected override int Run(Settings settings, CancellationToken cancellation)
    {
        ImageFolder.Usable([settings.Image], f => f, settings.Image);
        var run = TrainedRun.Open(settings.Run);
        using var explainable = run.Explainable();
        var graph = explainable.Network.Backbone;
        var layers = settings.Layers?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? LayerActivations.DefaultLayers(graph);
        var output = settings.Out ?? Path.Combine(run.Folder.Path, "activations", Path.GetFileNameWithoutExtension(settings.Image));
        Directory.CreateDirectory(output);

        var (inputs, _) = explainable.Prepare([settings.Image]);
        var activations = LayerActivations.Compute(graph, inputs, layers);
        var table = new Table().Border(TableBorder.Rounded).AddColumns("layer", "channels", "size", "grid");
        for (var i = 0; i < layers.Count; i++)
        {
            cancellation.ThrowIfCancellationRequested();
            var activation = activations[layers[i]];
            var png = Path.Combine(output, $"{i + 1:00}-{FileNames.Safe(layers[i])}.png");
            LayerActivations.WriteGrid(png, layers[i], activation, settings.Channels);
            table.AddRow(Markup.Escape(layers[i]), activation.shape[0].ToString(), $"{activation.shape[2]} x {activation.shape[1]}", Markup.Escape(png));
        }
        Console.Write(table);
        Console.WriteLine($"wrote {layers.Count} activation grid(s) to {Path.GetFullPath(output)}");
        return ExitCodes.Success;
    }
}
