using MLNetTransfer.Evaluation;
using MLNetTransfer.Experiments;
using MLNetTransfer.Interpretability;
using MLNetTransfer.Interpretability.Activations;
using MLNetTransfer.Interpretability.Cam;
using MLNetTransfer.Imaging;
using MLNetTransfer.Interpretability.Filters;
using MLNetTransfer.Interpretability.Metrics;
using MLNetTransfer.Training;

namespace MLNetTransfer.Reports;

/// <summary>
/// Writes a finished run's report: <c>report.html</c> (self-contained: pictures embedded, no scripts or styles from
/// elsewhere), <c>report.json</c> with the same numbers, and the pictures in <see cref="FiguresFolder"/>.
/// </summary>
public static class ReportWriter
{
    public const string HtmlFile = "report.html";
    public const string JsonFile = "report.json";
    public const string FiguresFolder = "report";

    public static RunReport Write(TrainedRun run, ReportOptions? options = null, Action<string>? step = null, CancellationToken cancellation = default)
    {
        options ??= new ReportOptions();
        var folder = run.Folder;
        var figuresPath = folder.File(FiguresFolder);
        // Pictures of an earlier report of this run must not pass for this one's.
        if (Directory.Exists(figuresPath)) Directory.Delete(figuresPath, recursive: true);
        Directory.CreateDirectory(figuresPath);
        var classes = run.Classes;
        var metrics = folder.ReadJson<RunMetrics>(RunFolder.MetricsFile);
        var predictions = PredictionsCsv.Parse(File.ReadAllText(folder.File(RunFolder.PredictionsFile)));
        var historyFile = folder.File(RunFolder.HistoryFile);
        var history = File.Exists(historyFile) ? HistoryCsv.Parse(File.ReadAllText(historyFile)) : [];
        var roc = classes.Count == 2
            ? RocCurve.Points(predictions.Select(p => (p.Scores[1], p.Label == classes[1]))).Select(p => new RocPoint(p.FalsePositiveRate, p.TruePositiveRate)).ToList()
            : [];

        var classIndex = classes.Select((c, i) => (c, i)).ToDictionary(p => p.c, p => p.i);
        double Confidence(Prediction p) => p.Scores[classIndex[p.PredictedLabel]];
        var mistakes = predictions.Where(p => p.Label != p.PredictedLabel).OrderByDescending(Confidence).Take(options.Examples).ToList();
        var unsure = predictions.Where(p => p.Label == p.PredictedLabel).OrderBy(Confidence).Take(options.Examples).ToList();
        var shown = mistakes.Concat(unsure).Select(p => p.ImagePath).ToHashSet();
        var overlays = predictions.Select((p, i) => (p.ImagePath, Name: $"cam-{i:000}.png")).Where(x => shown.Contains(x.ImagePath))
            .ToDictionary(x => x.ImagePath, x => x.Name);

        var figures = new Dictionary<string, IReadOnlyList<Figure>>();
        HeatmapQuality? quality = null;
        string? unexplained = null;
        try
        {
            using var explainable = run.Explainable();
            step?.Invoke($"Report: {options.Method} on {predictions.Count} test images");
            quality = MeasureHeatmaps(explainable, options.Method, options.RoadImages, predictions.Select(p => p.ImagePath).ToList(), overlays, figuresPath, cancellation);
            step?.Invoke("Report: activations");
            figures["activations"] = ActivationFigures(explainable, predictions[0].ImagePath, options.ActivationLayers, figuresPath);
            step?.Invoke("Report: filter ascent");
            figures["filters"] = FilterFigures(explainable, options, figuresPath, cancellation);
        }
        catch (Core.DataException e)
        {
            // A run that cannot be explained (a LightGBM head, a network without a convolution) still gets its report,
            // without those pictures, saying why.
            unexplained = e.Message;
        }
        // Without its overlay where explaining stopped early.
        ExampleImage Example(Prediction p) => new(p.ImagePath, p.Label!, p.PredictedLabel, Confidence(p),
            File.Exists(Path.Combine(figuresPath, overlays[p.ImagePath])) ? overlays[p.ImagePath] : "");

        var augmentation = folder.File(RunFolder.AugmentationFile);
        if (File.Exists(augmentation))
        {
            File.Copy(augmentation, Path.Combine(figuresPath, RunFolder.AugmentationFile), overwrite: true);
            figures["augmentation"] = [new Figure(RunFolder.AugmentationFile, "one training image and eight augmented versions, as training saw them")];
        }

        var config = File.ReadAllText(folder.File(RunFolder.ConfigFile));
        var description = folder.ReadJson<ExperimentConfig>(RunFolder.ConfigFile).Description;
        var report = new RunReport(run.Record.Experiment, run.Record, config, metrics.Test, history, roc,
            mistakes.Select(Example).ToList(), unsure.Select(Example).ToList(), figures, description, metrics.Validation, quality, unexplained);
        folder.WriteJson(JsonFile, report);
        folder.WriteText(HtmlFile, HtmlReport.Render(report, figuresPath));
        return report;
    }

    // Grad-CAM over the whole test set for the quality figures (with localisation where the object is known); overlays
    // written for the images the report shows.
    static HeatmapQuality? MeasureHeatmaps(ExplainableRun explainable, string method, int roadImages, IReadOnlyList<string> images,
        IReadOnlyDictionary<string, string> overlays, string figuresPath, CancellationToken cancellation)
    {
        var explainer = new Explainer(explainable, CamMethods.Create(method)) { RoadImages = roadImages };
        var measured = new List<Explanation>();
        var scratch = Directory.CreateTempSubdirectory("mlnet-transfer-masks-");
        try
        {
            var masks = new ObjectMasks(scratch.FullName);
            foreach (var explanation in explainer.Explain(images, masks.Of, cancellation))
            {
                // Only the figures are kept: the pixels of a large test set would not fit in memory.
                measured.Add(explanation with { Rgb = [], Heatmap = [] });
                if (overlays.TryGetValue(explanation.Image, out var overlay))
                    HeatmapOverlay.Write(Path.Combine(figuresPath, overlay), explanation.Rgb, explanation.Heatmap, explainable.Width, explainable.Height);
            }
        }
        finally
        {
            scratch.Delete(recursive: true);
        }
        return HeatmapQuality.Of(method, explainer.Layer, measured);
    }

    static List<Figure> ActivationFigures(ExplainableRun explainable, string image, int count, string figuresPath)
    {
        var graph = explainable.Network.Backbone;
        var (inputs, _) = explainable.Prepare([image]);
        var layers = LayerActivations.DefaultLayers(graph, count);
        var activations = LayerActivations.Compute(graph, inputs, layers);
        return layers.Select((layer, i) =>
        {
            var file = $"activations-{i + 1:00}.png";
            LayerActivations.WriteGrid(Path.Combine(figuresPath, file), layer, activations[layer], maxChannels: 16);
            return new Figure(file, $"{layer} for {Path.GetFileName(image)}");
        }).ToList();
    }

    // The lowest, a middle and the highest stage.
    static List<Figure> FilterFigures(ExplainableRun explainable, ReportOptions options, string figuresPath, CancellationToken cancellation)
    {
        var graph = explainable.Network.Backbone;
        var stages = LayerActivations.StageOutputs(graph);
        var chosen = stages.Count <= 3 ? stages : [stages[0], stages[stages.Count / 2], stages[^1]];
        var ascent = new FilterAscent(graph, explainable.Inputs, explainable.Width, explainable.Height);
        return chosen.Select((layer, i) =>
        {
            cancellation.ThrowIfCancellationRequested();
            var filters = Enumerable.Range(0, (int)Math.Min(options.FiltersPerLayer, ascent.Channels(layer))).ToList();
            using var result = ascent.Run(layer, filters, FilterAscentOptions.Readable with { Steps = options.FilterSteps });
            var file = $"filters-{i + 1:00}.png";
            TileGrid.Write(Path.Combine(figuresPath, file), FilterAscent.Deprocess(result.Images), explainable.Width, explainable.Height);
            return new Figure(file, $"{layer}: filters 0-{filters.Count - 1}");
        }).ToList();
    }
}
