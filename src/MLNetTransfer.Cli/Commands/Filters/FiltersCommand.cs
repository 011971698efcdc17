using System.ComponentModel;
using MLNetTransfer.Core;
using MLNetTransfer.Experiments;
using MLNetTransfer.Interpretability;
using MLNetTransfer.Interpretability.Activations;
using MLNetTransfer.Imaging;
using MLNetTransfer.Interpretability.Filters;
using Spectre.Console;
using Spectre.Console.Cli;

namespace MLNetTransfer.Cli.Commands.Filters;

/// <summary><c>mlnet-transfer filters &lt;run&gt; [--layers] [-n] [--readable] [--out]</c>.</summary>
public sealed class FiltersCommand(IAnsiConsole console) : GuardedCommand<FiltersCommand.Settings>(console)
{
    public sealed class Settings : RunSettings
    {
        [CommandOption("--layers <ONNX_TENSORS>")]
        [Description("Comma-separated backbone tensors, by ONNX name. Default: each stage's last output, from low to high.")]
        public string? Layers { get; init; }

        [CommandOption("-n|--count <N>")]
        [Description("Filters per layer: the first N.")]
        [DefaultValue(16)]
        public int Count { get; init; } = 16;

        [CommandOption("--steps <N>")]
        [Description("Gradient ascent steps. Default: 40 as the book, 80 with --readable.")]
        public int? Steps { get; init; }

        [CommandOption("--readable")]
        [Description("Add the regularisers that make pictures readable: jitter, small scaling and rotation, L2 and total variation.")]
        public bool Readable { get; init; }

        [CommandOption("--seed <N>")]
        [Description("Seeds the starting noise and the random changes.")]
        [DefaultValue(1)]
        public int Seed { get; init; } = 1;

        [CommandOption("--out <DIR>")]
        [Description("Folder for the PNGs. Default: <run>/filters.")]
        public string? Out { get; init; }

        public override ValidationResult Validate() =>
            Count <= 0 ? ValidationResult.Error("--count must be positive")
            : Steps is <= 0 ? ValidationResult.Error("--steps must be positive")
            : ValidationResult.Success();
    }

    protected override int Run(Settings settings, CancellationToken cancellation)
    {
        var run = TrainedRun.Open(settings.Run);
        using var explainable = run.Explainable();
        var graph = explainable.Network.Backbone;
        var layers = settings.Layers?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? LayerActivations.StageOutputs(graph);
        var options = (settings.Readable ? FilterAscentOptions.Readable : new FilterAscentOptions()) with { Seed = settings.Seed };
        if (settings.Steps is { } steps) options = options with { Steps = steps };
        var output = settings.Out ?? Path.Combine(run.Folder.Path, "filters");
        Directory.CreateDirectory(output);

        var ascent = new FilterAscent(graph, explainable.Inputs, explainable.Width, explainable.Height);
        var table = new Table().Border(TableBorder.Rounded).AddColumns("layer", "filters", "mean activation (start → end)", "grid");
        for (var i = 0; i < layers.Count; i++)
        {
            cancellation.ThrowIfCancellationRequested();
            var filters = Enumerable.Range(0, (int)Math.Min(settings.Count, ascent.Channels(layers[i]))).ToList();
            using var result = ascent.Run(layers[i], filters, options);
            var png = Path.Combine(output, $"{i + 1:00}-{FileNames.Safe(layers[i])}.png");
            TileGrid.Write(png, FilterAscent.Deprocess(result.Images), explainable.Width, explainable.Height,
                $"{layers[i]}: filters 0-{filters.Count - 1}, {options.Steps} steps{(options.Regularised ? ", regularised" : "")}");
            table.AddRow(Markup.Escape(layers[i]), filters.Count.ToString(), $"{result.Start.Average():0.###} → {result.End.Average():0.###}", Markup.Escape(png));
        }
        Console.Write(table);
        Console.WriteLine($"wrote {layers.Count} filter grid(s) to {Path.GetFullPath(output)}");
        return ExitCodes.Success;
    }
}
