using MLNetTransfer.Data;
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

        // The training photos whose label a head that never saw them doubts most (none for a network trained from scratch).
        step?.Invoke("Report: suspected mislabels");
        IReadOnlyList<Prediction> suspects;
        string? noSuspects = null;
        try
        {
            suspects = SuspectedMislabels.Of(run, cancellation: cancellation).Take(options.Suspects).ToList();
        }
        catch (Core.DataException e)
        {
            (suspects, noSuspects) = ([], e.Message);
        }
        var suspectOverlays = suspects.Select((p, i) => (p.ImagePath, Name: $"suspect-{i:00}.png")).ToDictionary(x => x.ImagePath, x => x.Name);

        var figures = new Dictionary<string, IReadOnlyList<Figure>>();
        HeatmapQuality? quality = null;
        IReadOnlyList<RankedMethod>? ranking = null;
        string? unexplained = null;
        var leftOut = new List<SkippedFile>();
        var scratch = Directory.CreateTempSubdirectory("mlnet-transfer-masks-");
        try
        {
            using var explainable = run.Explainable();
            // Test photos removed or damaged since training are left out of the pictures, and listed.
            var (usable, unusable) = ImageFolder.Usable(predictions.Select(p => p.ImagePath).ToList(), p => p, "the run's test set");
            leftOut.AddRange(unusable);
            var all = usable.ToList();
            // Masks drawn once; one of another shape than its image would mark the wrong pixels, so it is not measured.
            var masks = new ObjectMasks(scratch.FullName);
            var maskFiles = all.ToDictionary(image => image, masks.Of);
            var (_, misfits) = ObjectMasks.Fit(all, image => maskFiles[image]);
            leftOut.AddRange(misfits);
            var refused = misfits.Select(m => m.Path).ToHashSet();
            string? MaskOf(string image) => maskFiles.GetValueOrDefault(image) is { } mask && !refused.Contains(mask) ? mask : null;
            // The ranked images are spread over the test set (predictions.csv runs class by class) and measured first,
            // so the main method's ROAD on the first images covers them.
            var ranked = Math.Clamp(options.RankingImages, 0, all.Count);
            var rankedImages = Enumerable.Range(0, ranked).Select(i => all[(int)((long)i * all.Count / ranked)]).ToList();
            var images = rankedImages.Concat(all.Except(rankedImages)).ToList();
            step?.Invoke($"Report: {options.Method} on {all.Count} test images");
            var measured = MeasureHeatmaps(explainable, options.Method, options.RoadImages, images, MaskOf, overlays, rankedImages.Count, figuresPath, cancellation);
            quality = measured.Quality;
            // Each mistake also gets the map of its true class: what the model saw of it, beside what it went for.
            var usableSet = all.ToHashSet();
            void Overlay(string image, int? target, string file)
            {
                cancellation.ThrowIfCancellationRequested();
                var explained = new Explainer(explainable, HeatmapMethods.Create(options.Method), targetClass: target) { RoadImages = 0 }.Explain([image]).Single();
                HeatmapOverlay.Write(Path.Combine(figuresPath, file), explained.Rgb, explained.Heatmap, explainable.Width, explainable.Height);
            }
            foreach (var p in mistakes.Where(p => usableSet.Contains(p.ImagePath)))
                Overlay(p.ImagePath, classIndex[p.Label!], TrueClassOverlay(overlays[p.ImagePath]));
            // A suspect shows where the model sees the class the out-of-fold heads went for, and where it sees the given label.
            foreach (var p in suspects.Where(p => File.Exists(p.ImagePath)))
            {
                Overlay(p.ImagePath, classIndex[p.PredictedLabel], suspectOverlays[p.ImagePath]);
                if (p.PredictedLabel != p.Label) Overlay(p.ImagePath, classIndex[p.Label!], TrueClassOverlay(suspectOverlays[p.ImagePath]));
            }
            if (options.RankedMethods.Count > 0 && rankedImages.Count > 0)
            {
                // The main method's maps of the first images are reused where ROAD was measured on all of them.
                var known = options.RoadImages >= rankedImages.Count ? new Dictionary<string, IReadOnlyList<Explanation>> { [options.Method] = measured.First } : null;
                var methods = options.RankedMethods.Select(name => HeatmapMethods.Create(name));
                (ranking, var explanations) = MethodRanker.Rank(explainable, methods, rankedImages, MaskOf, known, what => step?.Invoke($"Report: ranking, {what}"), cancellation);
                folder.WriteText(MethodRanking.FileName, MethodRanking.Format(ranking));
                figures["ranking"] = SideBySide(ranking, options, explanations, measured.First, explainable, figuresPath);
            }
            step?.Invoke("Report: activations");
            figures["activations"] = ActivationFigures(explainable, all[0], options.ActivationLayers, figuresPath);
            step?.Invoke("Report: filter ascent");
            figures["filters"] = FilterFigures(explainable, options, all, figuresPath, cancellation);
        }
        catch (Core.DataException e)
        {
            // A run that cannot be explained (a LightGBM head, a network without a convolution) still gets its report,
            // without those pictures, saying why.
            unexplained = e.Message;
        }
        finally
        {
            scratch.Delete(recursive: true);
        }
        // Without its overlay where explaining stopped early.
        string Existing(string file) => File.Exists(Path.Combine(figuresPath, file)) ? file : "";
        ExampleImage Example(Prediction p, IReadOnlyDictionary<string, string> overlayOf) => new(p.ImagePath, p.Label!, p.PredictedLabel, Confidence(p),
            Existing(overlayOf[p.ImagePath]), p.Label == p.PredictedLabel ? "" : Existing(TrueClassOverlay(overlayOf[p.ImagePath])));

        var augmentation = folder.File(RunFolder.AugmentationFile);
        if (File.Exists(augmentation))
        {
            File.Copy(augmentation, Path.Combine(figuresPath, RunFolder.AugmentationFile), overwrite: true);
            figures["augmentation"] = [new Figure(RunFolder.AugmentationFile, "one training image and eight augmented versions, as training saw them")];
        }

        var config = File.ReadAllText(folder.File(RunFolder.ConfigFile));
        var description = folder.ReadJson<ExperimentConfig>(RunFolder.ConfigFile).Description;
        var report = new RunReport(run.Record.Experiment, run.Record, config, metrics.Test, history, roc,
            mistakes.Select(p => Example(p, overlays)).ToList(), unsure.Select(p => Example(p, overlays)).ToList(), figures, description, metrics.Validation, quality, unexplained, ranking,
            run.HeatmapSize is { } size ? [size.Height, size.Width] : null, leftOut, metrics.Temperature, metrics.TestBeforeScaling, metrics.ValidationBeforeScaling,
            suspects.Select(p => Example(p, suspectOverlays) with { LabelProbability = SuspectedMislabels.GivenLabelProbability(p, classes) }).ToList(), noSuspects,
            LearningRateFinder.Read(folder.Path));
        folder.WriteJson(JsonFile, report);
        folder.WriteText(HtmlFile, HtmlReport.Render(report, figuresPath));
        return report;
    }

    static string TrueClassOverlay(string overlay) => Path.GetFileNameWithoutExtension(overlay) + "-true.png";

    // The main method over the whole test set for the quality figures (with localisation where the object is known);
    // overlays written for the images the report shows, and the first explanations kept whole for the ranking.
    static (HeatmapQuality? Quality, IReadOnlyList<Explanation> First) MeasureHeatmaps(ExplainableRun explainable, string method, int roadImages,
        IReadOnlyList<string> images, Func<string, string?> maskOf, IReadOnlyDictionary<string, string> overlays, int kept, string figuresPath,
        CancellationToken cancellation)
    {
        var explainer = new Explainer(explainable, HeatmapMethods.Create(method)) { RoadImages = roadImages };
        var measured = new List<Explanation>();
        foreach (var explanation in explainer.Explain(images, maskOf, cancellation))
        {
            // Only the figures are kept past the first few: the pixels of a large test set would not fit in memory.
            measured.Add(measured.Count < kept ? explanation : explanation with { Rgb = [], Heatmap = [] });
            if (overlays.TryGetValue(explanation.Image, out var overlay))
                HeatmapOverlay.Write(Path.Combine(figuresPath, overlay), explanation.Rgb, explanation.Heatmap, explainable.Width, explainable.Height);
        }
        return (HeatmapQuality.Of(method, explainer.Layer, measured), measured.Take(kept).ToList());
    }

    // The best-ranked method's maps beside the main method's for a few images: the runner-up's where the main one is the best.
    static List<Figure> SideBySide(IReadOnlyList<RankedMethod> ranking, ReportOptions options, IReadOnlyDictionary<string, IReadOnlyList<Explanation>> explanations,
        IReadOnlyList<Explanation> main, ExplainableRun explainable, string figuresPath)
    {
        var other = ranking.Select(r => r.Method).FirstOrDefault(m => m != options.Method);
        if (other is null) return [];
        var figures = new List<Figure>();
        var shown = Math.Clamp(options.SideBySide, 0, main.Count);
        for (var i = 0; i < shown; i++)
        {
            // Spread over the ranked images, as they are over the test set.
            var at = (int)((long)i * main.Count / shown);
            var (mine, theirs) = (main[at], explanations[other][at]);
            foreach (var (explanation, name) in new[] { (mine, options.Method), (theirs, other) })
            {
                var file = $"ranking-{i + 1:00}-{name}.png";
                HeatmapOverlay.Write(Path.Combine(figuresPath, file), explanation.Rgb, explanation.Heatmap, explainable.Width, explainable.Height);
                figures.Add(new Figure(file, $"{Path.GetFileName(explanation.Image)}: {name}, explaining {explanation.Class}"));
            }
        }
        return figures;
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

    // The stem's kernels as they are, then filter ascent at the lowest residual stage, a middle and the highest stage,
    // each filter's picture beside the test images' crops that activate it most.
    static List<Figure> FilterFigures(ExplainableRun explainable, ReportOptions options, IReadOnlyList<string> testImages, string figuresPath, CancellationToken cancellation)
    {
        var graph = explainable.Network.Backbone;
        var figures = new List<Figure>();
        var stages = LayerActivations.StageOutputs(graph).ToList();
        if (StemKernels.Write(graph, explainable.ChannelOrder, _ => Path.Combine(figuresPath, "filters-kernels.png")) is var (stem, count, _))
        {
            figures.Add(new Figure("filters-kernels.png", $"{stem}: the first convolution's {count} kernels, drawn as they are (grey is 0)"));
            // The stage the stem ends is shown by its kernels.
            if (stages.Count > 1) stages.RemoveAt(0);
        }
        var chosen = stages.Count <= 3 ? stages : [stages[0], stages[stages.Count / 2], stages[^1]];
        var ascent = new FilterAscent(graph, explainable.Inputs, explainable.Width, explainable.Height);
        var filtersOf = chosen.ToDictionary(layer => layer, layer => (IReadOnlyList<int>)Enumerable.Range(0, (int)Math.Min(options.FiltersPerLayer, ascent.Channels(layer))).ToList());
        var examples = DatasetExamples.Find(explainable, filtersOf, testImages, cancellation: cancellation);
        foreach (var (layer, i) in chosen.Select((layer, i) => (layer, i)))
        {
            cancellation.ThrowIfCancellationRequested();
            var filters = filtersOf[layer];
            using var result = ascent.Run(layer, filters, FilterAscentOptions.Readable with { Steps = options.FilterSteps });
            var (tiles, tileWidth, tileHeight) = DatasetExamples.Beside(result.Pictures(), examples[layer], explainable.Width, explainable.Height);
            var file = $"filters-{i + 1:00}.png";
            TileGrid.Write(Path.Combine(figuresPath, file), tiles, tileWidth, tileHeight);
            figures.Add(new Figure(file, $"{layer}: filters 0-{filters.Count - 1}, each beside the {DatasetExamples.Count} test-image crops that excite it most"));
        }
        return figures;
    }
}
