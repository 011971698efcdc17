using System.ComponentModel;
using MLNetTransfer.Core;
using MLNetTransfer.Data;
using MLNetTransfer.Experiments;
using MLNetTransfer.Interpretability;
using MLNetTransfer.Interpretability.Cam;
using MLNetTransfer.Interpretability.Display;
using Spectre.Console;
using Spectre.Console.Cli;
using static TorchSharp.torch;

namespace MLNetTransfer.Cli.Commands.Explain;

/// <summary><c>mlnet-transfer explain &lt;run&gt; &lt;image or folder&gt;... [--method] [--layer] [--class]</c>.</summary>
public sealed class ExplainCommand(IAnsiConsole console) : GuardedCommand<ExplainCommand.Settings>(console)
{
    public sealed class Settings : RunSettings
    {
        [CommandArgument(1, "<images>")]
        [Description("Image files, or folders searched recursively for images.")]
        public string[] Images { get; init; } = [];

        [CommandOption("--method <NAME>")]
        [Description("grad-cam, grad-cam++ or score-cam.")]
        [DefaultValue("grad-cam")]
        public string Method { get; init; } = "grad-cam";

        [CommandOption("--layer <ONNX_TENSOR>")]
        [Description("The backbone tensor to explain, by ONNX name. Default: the last convolutional block's output.")]
        public string? Layer { get; init; }

        [CommandOption("--class <NAME>")]
        [Description("The class to explain. Default: each image's predicted class.")]
        public string? Class { get; init; }

        [CommandOption("--out <DIR>")]
        [Description("Folder for the overlay PNGs. Default: <run>/explanations/<method>.")]
        public string? Out { get; init; }

        public override ValidationResult Validate() =>
            CamMethods.Names.Contains(Method) ? ValidationResult.Success() : ValidationResult.Error($"--method must be one of {string.Join(", ", CamMethods.Names)}");
    }

    protected override int Run(Settings settings, CancellationToken cancellation)
    {
        var run = TrainedRun.Open(settings.Run);
        using var explainable = ExplainableRun.Open(run);
        int? target = null;
        if (settings.Class is { } name)
        {
            var index = explainable.Classes.ToList().IndexOf(name);
            if (index < 0) throw new DataException($"--class {name}: the model's classes are {string.Join(", ", explainable.Classes)}");
            target = index;
        }
        var layer = settings.Layer ?? CamMethod.DefaultLayer(explainable.Network.Backbone);
        if (!explainable.Network.Backbone.Layers.Any(l => l.Outputs.Contains(layer)))
            throw new DataException($"--layer {layer}: the network has no such tensor");
        var files = ImageFolder.FilesIn(settings.Images).ToList();
        if (files.Count == 0) throw new DataException($"no images found in {string.Join(", ", settings.Images)}");
        var output = settings.Out ?? Path.Combine(run.Folder.Path, "explanations", settings.Method);
        Directory.CreateDirectory(output);

        var method = CamMethods.Create(settings.Method);
        var table = new Table().Border(TableBorder.Rounded).AddColumns("image", "explained class", "overlay");
        for (var start = 0; start < files.Count; start += 8)
        {
            cancellation.ThrowIfCancellationRequested();
            using var scope = NewDisposeScope();
            var batch = files.Skip(start).Take(8).ToList();
            var (inputs, rgb) = explainable.Prepare(batch);
            var (maps, classes) = method.Compute(explainable.Network, inputs, layer, target);
            for (var i = 0; i < batch.Count; i++)
            {
                var png = Path.Combine(output, Path.GetFileNameWithoutExtension(batch[i]) + ".png");
                HeatmapOverlay.Write(png, rgb[i], maps[i].data<float>().ToArray(), explainable.Width, explainable.Height);
                table.AddRow(Markup.Escape(batch[i]), Markup.Escape(explainable.Classes[(int)classes[i]]), Markup.Escape(png));
            }
        }
        Console.Write(table);
        Console.WriteLine($"wrote {files.Count} overlay(s) to {Path.GetFullPath(output)}");
        return ExitCodes.Success;
    }
}
