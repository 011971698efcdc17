using MLNetTransfer.Evaluation;
using MLNetTransfer.Experiments;
using MLNetTransfer.Interpretability;
using MLNetTransfer.Interpretability.Activations;
using MLNetTransfer.Interpretability.Cam;
using MLNetTransfer.Interpretability.Display;
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
        Directory.CreateDirectory(figuresPath);
        var classes = run.Classes;
        var metrics = folder.ReadJson<RunMetrics>(RunFolder.MetricsFile);
        var predictions = PredictionsCsv.Parse(File.ReadAllText(folder.File(RunFolder.PredictionsFile)));
        var historyFile = folder.File(RunFolder.HistoryFile);
        var history = File.Exists(historyFile) ? HistoryCsv.Parse(File.ReadAllText(historyFile)) : [];
        var roc = classes.Count == 2
            ? RocCurve.Points(predictions.Select(p => (p.Scores[1], p.Label == classes[1]))).Select(p => new RocPoint(p.FalsePositiveRate, p.TruePositiveRate)).ToList()
            : [];

        double Confidence(Prediction p) => p.Scores[classes.ToList().IndexOf(p.PredictedLabel)];
        var mistakes = predictions.Where(p => p.Label != p.PredictedLabel).OrderByDescending(Confidence).Take(options.Examples).ToList();
        var unsure = predictions.Where(p => p.Label == p.PredictedLabel).OrderBy(Confidence).Take(options.Examples).ToList();
        var shown = mistakes.Concat(unsure).Select(p => p.ImagePath).ToHashSet();

        using var explainable = ExplainableRun.Open(run);
        var figures = new Dictionary<string, IReadOnlyList<Figure>>();
        string Name(string image) => $"cam-{Array.IndexOf(predictions.Select(p => p.ImagePath).ToArray(), image):000}.png";

        // Grad-CAM over the whole test set for the quality figures; overlays kept for the images shown.
        step?.Invoke($"Report: {options.Method} on {predictions.Count} test images");
        var explainer = new Explainer(explainable, CamMethods.Create(options.Method));
        var measured = new List<Explanation>();
        var scratch = Directory.CreateTempSubdirectory("mlnet-transfer-masks-");
        try
        {
            var masks = new ObjectMasks(scratch.FullName);
            foreach (var explanation in explainer.Explain(predictions.Select(p => p.ImagePath).ToList(), masks.Of, cancellation))
            {
                // Only the figures are kept: the pixels of a large test set would not fit in memory.
                measured.Add(explanation with { Rgb = [], Heatmap = [] });
                if (shown.Contains(explanation.Image))
                    HeatmapOverlay.Write(Path.Combine(figuresPath, Name(explanation.Image)), explanation.Rgb, explanation.Heatmap, explainable.Width, explainable.Height);
            }
        }
        finally
        {
            scratch.Delete(recursive: true);
        }
        var localised = measured.Where(e => e.PeakInside is not null).ToList();
        var quality = measured.Count == 0 ? null
            : new HeatmapQuality(options.Method, explainer.Layer, measured.Count, measured.Average(e => e.SalientDrop), measured.Average(e => e.RandomDrop),
                localised.Count,
                localised.Count == 0 ? null : localised.Count(e => e.PeakInside == true) / (double)localised.Count,
                localised.Count == 0 ? null : localised.Average(e => e.HeatInside!.Value),
                localised.Count == 0 ? null : localised.Average(e => e.MaskCoverage!.Value));
        ExampleImage Example(Prediction p) => new(p.ImagePath, p.Label!, p.PredictedLabel, Confidence(p), Name(p.ImagePath));

        cancellation.ThrowIfCancellationRequested();
        step?.Invoke("Report: activations");
        var graph = explainable.Network.Backbone;
        var first = predictions[0].ImagePath;
        var (inputs, _) = explainable.Prepare([first]);
        var layers = LayerActivations.DefaultLayers(graph, options.ActivationLayers);
        var activations = LayerActivations.Compute(graph, inputs, layers);
        figures["activations"] = layers.Select((layer, i) =>
        {
            var file = $"activations-{i + 1:00}.png";
            LayerActivations.WriteGrid(Path.Combine(figuresPath, file), layer, activations[layer], maxChannels: 16);
            return new Figure(file, $"{layer} for {Path.GetFileName(first)}");
        }).ToList();

        cancellation.ThrowIfCancellationRequested();
        step?.Invoke("Report: filter ascent");
        var stages = LayerActivations.StageOutputs(graph);
        var chosen = stages.Count <= 3 ? stages : [stages[0], stages[stages.Count / 2], stages[^1]];
        var ascent = new FilterAscent(graph, explainable.Inputs, explainable.Width, explainable.Height);
        figures["filters"] = chosen.Select((layer, i) =>
        {
            cancellation.ThrowIfCancellationRequested();
            var filters = Enumerable.Range(0, (int)Math.Min(options.FiltersPerLayer, ascent.Channels(layer))).ToList();
            using var result = ascent.Run(layer, filters, FilterAscentOptions.Readable with { Steps = options.FilterSteps });
            var file = $"filters-{i + 1:00}.png";
            TileGrid.Write(Path.Combine(figuresPath, file), FilterAscent.Deprocess(result.Images), explainable.Width, explainable.Height);
            return new Figure(file, $"{layer}: filters 0-{filters.Count - 1}");
        }).ToList();

        var augmentation = folder.File(RunFolder.AugmentationFile);
        if (File.Exists(augmentation))
        {
            File.Copy(augmentation, Path.Combine(figuresPath, RunFolder.AugmentationFile), overwrite: true);
            figures["augmentation"] = [new Figure(RunFolder.AugmentationFile, "one training image and eight augmented versions, as training saw them")];
        }

        var config = File.ReadAllText(folder.File(RunFolder.ConfigFile));
        var description = folder.ReadJson<ExperimentConfig>(RunFolder.ConfigFile).Description;
        var report = new RunReport(run.Record.Experiment, run.Record, config, metrics.Test, history, roc,
            mistakes.Select(Example).ToList(), unsure.Select(Example).ToList(), figures, description, metrics.Validation, quality);
        folder.WriteJson(JsonFile, report);
        folder.WriteText(HtmlFile, HtmlReport.Render(report, figuresPath));
        return report;
    }
}
