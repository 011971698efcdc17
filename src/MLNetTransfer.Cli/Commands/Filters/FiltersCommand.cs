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
        [Description("Gradient ascent steps. Default: 40 as the book, 128 with --readable.")]
        public int? Steps { get; init; }

        [CommandOption("--readable")]
        [Description("Search a 1/f Fourier spectrum in decorrelated colour with Adam, with jitter, small scaling and rotation each step: readable pictures at every layer. Without it, the book's plain ascent in pixels.")]
        public bool Readable { get; init; }

        [CommandOption("--seed <N>")]
        [Description("Seeds the starting noise and the random changes.")]
        [DefaultValue(1)]
        public int Seed { get; init; } = 1;

        [CommandOption("--no-examples")]
        [Description("Leave out each filter's dataset examples: the 9 crops of the run's test images that excite it most, drawn beside its picture.")]
        public bool NoExamples { get; init; }

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
        // Dataset examples come from the run's test images, where it kept them.
        var predictions = run.Folder.File(RunFolder.PredictionsFile);
        var testImages = settings.NoExamples || !File.Exists(predictions) ? []
            : Evaluation.PredictionsCsv.Parse(File.ReadAllText(predictions)).Select(p => p.ImagePath).Where(File.Exists).ToList();
        var table = new Table().Border(TableBorder.Rounded).AddColumns("layer", "filters", "mean activation (start → end)", "grid");
        var filtersOf = layers.Distinct().ToDictionary(layer => layer, layer => (IReadOnlyList<int>)Enumerable.Range(0, (int)Math.Min(settings.Count, ascent.Channels(layer))).ToList());
        var examples = DatasetExamples.Find(explainable, filtersOf, testImages, cancellation: cancellation);
        for (var i = 0; i < layers.Count; i++)
        {
            cancellation.ThrowIfCancellationRequested();
            var filters = filtersOf[layers[i]];
            using var result = ascent.Run(layers[i], filters, options);
            var (tiles, tileWidth, tileHeight) = DatasetExamples.Beside(result.Pictures(), examples[layers[i]], explainable.Width, explainable.Height);
            var png = Path.Combine(output, $"{i + 1:00}-{FileNames.Safe(layers[i])}.png");
            TileGrid.Write(png, tiles, tileWidth, tileHeight,
                $"{layers[i]}: filters 0-{filters.Count - 1}, {options.Steps} steps{(options.Fourier ? ", Fourier" : "")}{(options.Regularised ? ", regularised" : "")}" +
                (testImages.Count > 0 ? $", each beside the test crops that excite it most" : ""));
            table.AddRow(Markup.Escape(layers[i]), filters.Count.ToString(), $"{result.Start.Average():0.###} → {result.End.Average():0.###}", Markup.Escape(png));
        }
        var grids = layers.Count;
        // The stem has no pattern larger than its kernels: they are drawn as they are too.
        if (settings.Layers is null && StemKernels.Write(graph, explainable.ChannelOrder, stem => Path.Combine(output, $"00-{FileNames.Safe(stem)}-kernels.png"), titled: true)
            is var (stem, _, kernels))
        {
            table.AddRow(Markup.Escape(stem), "kernels", "", Markup.Escape(kernels));
            grids++;
        }
        Console.Write(table);
        Console.WriteLine($"wrote {grids} filter grid(s) to {Path.GetFullPath(output)}");
        return ExitCodes.Success;
    }
}
