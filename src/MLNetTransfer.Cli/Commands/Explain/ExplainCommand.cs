using System.ComponentModel;
using MLNetTransfer.Cli.Rendering;
using MLNetTransfer.Core;
using MLNetTransfer.Data;
using MLNetTransfer.Experiments;
using MLNetTransfer.Interpretability;
using MLNetTransfer.Interpretability.Heatmaps;
using MLNetTransfer.Imaging;
using MLNetTransfer.Interpretability.Metrics;
using Spectre.Console;
using Spectre.Console.Cli;

namespace MLNetTransfer.Cli.Commands.Explain;

/// <summary><c>mlnet-transfer explain &lt;run&gt; &lt;image or folder&gt;... [--method] [--layer] [--class]</c>.</summary>
public sealed class ExplainCommand(IAnsiConsole console) : GuardedCommand<ExplainCommand.Settings>(console)
{
    /// <summary>The --method that picks the best-ranked method.</summary>
    public const string Best = "best";

    public sealed class Settings : RunSettings
    {
        [CommandArgument(1, "<images>")]
        [Description("Image files, or folders searched recursively for images.")]
        public string[] Images { get; init; } = [];

        [CommandOption("--method <NAME>")]
        [Description("A CAM method: grad-cam, grad-cam++, score-cam, faster-score-cam, hires-cam, xgrad-cam, layer-cam, eigen-cam, eigen-grad-cam or ablation-cam; a pixel attribution: gradient, smooth-grad or integrated-gradients; or best: the first of the run's method ranking (the report's, or one made here on the first 8 images and kept in the run folder).")]
        [DefaultValue("grad-cam")]
        public string Method { get; init; } = "grad-cam";

        [CommandOption("--eigen-smooth")]
        [Description("Map the first principal component of the weighted activations instead of their sum: less noise.")]
        public bool EigenSmooth { get; init; }

        [CommandOption("--aug-smooth")]
        [Description("Average each map over the image, its mirror and their centre zooms: fewer edge artefacts, four times the cost.")]
        public bool AugSmooth { get; init; }

        [CommandOption("--layer <ONNX_TENSOR>")]
        [Description("The backbone tensor to explain, by ONNX name. Default: the last convolutional block's output.")]
        public string? Layer { get; init; }

        [CommandOption("--class <NAME>")]
        [Description("The class to explain. Default: each image's predicted class.")]
        public string? Class { get; init; }

        [CommandOption("--masks <DIR>")]
        [Description("Folder of object masks (white on the object) named like the images; adds the pointing game and the heat share inside the mask to quality.csv.")]
        public string? Masks { get; init; }

        [CommandOption("--out <DIR>")]
        [Description("Folder for the overlay PNGs and quality.csv. Default: <run>/explanations/<method>.")]
        public string? Out { get; init; }

        public override ValidationResult Validate()
        {
            if (Method == Best)
                return EigenSmooth || AugSmooth ? ValidationResult.Error("--method best picks a method as it was ranked: leave out --eigen-smooth and --aug-smooth") : ValidationResult.Success();
            if (!HeatmapMethods.Names.Contains(Method)) return ValidationResult.Error($"--method must be one of {string.Join(", ", HeatmapMethods.Names)} or {Best}");
            try
            {
                HeatmapMethods.Create(Method, EigenSmooth, AugSmooth);
                return ValidationResult.Success();
            }
            catch (ArgumentException e)
            {
                return ValidationResult.Error($"--eigen-smooth: {e.Message.Split(" (Parameter")[0]}");
            }
        }
    }

    protected override int Run(Settings settings, CancellationToken cancellation)
    {
        var run = TrainedRun.Open(settings.Run);
        using var explainable = run.Explainable();
        int? target = null;
        if (settings.Class is { } name)
        {
            var index = explainable.Classes.ToList().IndexOf(name);
            if (index < 0) throw new DataException($"--class {name}: the model's classes are {string.Join(", ", explainable.Classes)}");
            target = index;
        }
        if (settings.Masks is { } masks && !Directory.Exists(masks)) throw new DataException($"--masks {masks}: no such folder");
        var (files, skipped) = ImageFolder.CheckedFilesIn(settings.Images);
        var maskOf = settings.Masks is null ? null : ObjectMasks.InFolder(settings.Masks);
        foreach (var warning in maskOf is null ? [] : ObjectMasks.CheckSizes(files, maskOf))
            Console.MarkupLineInterpolated($"[yellow]warning:[/] {warning.Path}: {warning.Warning}");
        var method = settings.Method == Best ? BestMethod(run, explainable, files, maskOf, cancellation)
            : HeatmapMethods.Create(settings.Method, settings.EigenSmooth, settings.AugSmooth);
        var output = settings.Out ?? Path.Combine(run.Folder.Path, "explanations", method.FullName);
        Directory.CreateDirectory(output);

        Explainer explainer;
        try
        {
            explainer = new Explainer(explainable, method, settings.Layer, target);
        }
        catch (DataException e) when (settings.Layer is null)
        {
            throw new DataException($"{e.Message} with --layer", e); // the library does not know the command's options
        }
        var table = new Table().Border(TableBorder.Rounded).AddColumns("image", "explained class", "probability", "drop (map / random)", "overlay");
        var explanations = new List<Explanation>();
        foreach (var explanation in explainer.Explain(files, maskOf, cancellation))
        {
            var png = Path.Combine(output, Path.GetFileNameWithoutExtension(explanation.Image) + ".png");
            HeatmapOverlay.Write(png, explanation.Rgb, explanation.Heatmap, explainable.Width, explainable.Height);
            table.AddRow(Markup.Escape(explanation.Image), Markup.Escape(explanation.Class), $"{explanation.Probability:0.000}",
                $"{explanation.SalientDrop:0.000} / {explanation.RandomDrop:0.000}", Markup.Escape(png));
            explanations.Add(explanation);
        }
        var qualityFile = Path.Combine(output, "quality.csv");
        AtomicFile.WriteText(qualityFile, QualityCsv.Format(explanations));

        Console.Write(table);
        if (HeatmapQuality.Of(method.FullName, explainer.Layer, explanations) is { } quality)
        {
            Console.WriteLine($"{quality.Method} at {quality.Layer}: blurring the top 20% of each map lowers the class probability by " +
                              $"{quality.SalientDrop:0.000} on average, 20% random pixels by {quality.RandomDrop:0.000}");
            if (quality is { RoadCombined: { } road, RoadMostRelevantFirst: { } morf, RoadLeastRelevantFirst: { } lerf })
                Console.WriteLine($"ROAD, 10% to 90% of pixels removed and imputed: the probability falls by {morf:0.000} most relevant first, " +
                                  $"{lerf:0.000} least relevant first (combined {road:0.000}, higher is more faithful)");
            if (quality is { Localised: > 0, PeakInside: { } peak, HeatInside: { } heat, ObjectShare: { } share })
                Console.WriteLine($"against {quality.Localised} mask(s): peak inside {peak:P1}, heat inside {heat:P1} (masks cover {share:P1})");
        }
        SkippedFiles.Report(Console, skipped, Path.Combine(output, SkippedFile.CsvFile));
        Console.WriteLine($"wrote {explanations.Count} overlay(s) and quality.csv to {Path.GetFullPath(output)}");
        return ExitCodes.Success;
    }

    // The first of the run's ranking; without one, a ranking of the default methods on the first images, kept for next time.
    HeatmapMethod BestMethod(TrainedRun run, ExplainableRun explainable, IReadOnlyList<string> files, Func<string, string?>? maskOf, CancellationToken cancellation)
    {
        var file = run.Folder.File(MethodRanking.FileName);
        if (File.Exists(file))
        {
            var best = MethodRanking.Best(File.ReadAllText(file), file);
            Console.WriteLine($"best by the run's method ranking ({file}): {best}");
            return HeatmapMethods.FromFullName(best);
        }
        var images = files.Take(MethodRanker.DefaultImages).ToList();
        Console.WriteLine($"ranking {MethodRanker.DefaultMethods.Count} methods on {images.Count} image(s), as the report does: {string.Join(", ", MethodRanker.DefaultMethods)}");
        var (ranking, _) = MethodRanker.Rank(explainable, MethodRanker.DefaultMethods.Select(name => HeatmapMethods.Create(name)), images, maskOf,
            step: what => Console.WriteLine($"  {what}"), cancellation: cancellation);
        var table = new Table().Border(TableBorder.Rounded).AddColumns("rank", "method", "ROAD combined", "deletion drop (map / random)", "heat on the object");
        foreach (var (r, place) in ranking.Select((r, i) => (r, i + 1)))
            table.AddRow($"{place}", Markup.Escape(r.Method), $"{r.Quality.RoadCombined:0.000}", $"{r.Quality.SalientDrop:0.000} / {r.Quality.RandomDrop:0.000}",
                r.Quality.HeatInside is { } heat ? $"{heat:P1}" : "");
        Console.Write(table);
        AtomicFile.WriteText(file, MethodRanking.Format(ranking));
        Console.WriteLine($"best: {ranking[0].Method} (the ranking is kept in {file})");
        return HeatmapMethods.Create(ranking[0].Method);
    }
}
