using System.Text.Json;
using System.Text.RegularExpressions;
using MLNetTransfer.Core;
using MLNetTransfer.Experiments;
using MLNetTransfer.Reports;
using MLNetTransfer.Tests.Support;
using Xunit.Abstractions;

namespace MLNetTransfer.Tests.Reports;

public sealed partial class ReportTests(ITestOutputHelper output) : IDisposable
{
    readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    RunResult Train(string extra = "", string? head = """{ "trainer": "lbfgs-maximum-entropy" }""", MLNetTransfer.Training.LearningRateSweepOptions? sweep = null) =>
        new ExperimentRunner { LearningRateSweep = sweep }.Run(Configs.Read(Configs.Synthetic(folder, head: head, extra: extra)));

    // The ranking costs ROAD on several methods, and the filter pictures hundreds of gradient steps: only the tests about
    // them pay for them. The others still get every section, with one filter a layer drawn in a few steps.
    static readonly ReportOptions Quick = new() { RankedMethods = [], FiltersPerLayer = 1, FilterSteps = 4 };

    static string Html(RunResult run) => File.ReadAllText(Path.Combine(run.Folder, ReportWriter.HtmlFile));

    [Fact]
    public void The_report_shows_the_numbers_of_metrics_json_and_embeds_every_picture()
    {
        TorchRuntime.EnsureStarted();
        var run = Train(""" "mode": "frozen-base", "augmentation": { "horizontalFlip": true }, "training": { "batchSize": 4, "phases": [ { "epochs": 2 } ] }, "export": { "heatmap": true }, """, head: null,
            sweep: new() { Steps = 20 });
        var report = ReportWriter.Write(TrainedRun.Open(run.Folder));
        var html = Html(run);

        using var metrics = JsonDocument.Parse(File.ReadAllText(Path.Combine(run.Folder, "metrics.json")));
        var test = metrics.RootElement.GetProperty("test");
        double Shown(string metric) => double.Parse(MetricValue(html, metric), System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(test.GetProperty("accuracy").GetDouble(), Shown("test-accuracy"));
        Assert.Equal(test.GetProperty("logLoss").GetDouble(), Shown("test-log-loss"));
        Assert.Equal(test.GetProperty("auc").GetDouble(), Shown("test-auc"));
        Assert.Equal(test.GetProperty("confusionMatrix")[1][0].GetInt64(), (long)Shown("test-confusion-1-0"));
        Assert.Equal(metrics.RootElement.GetProperty("validation").GetProperty("accuracy").GetDouble(), Shown("validation-accuracy"));
        // The precision the network trained in, as run.json records it.
        Assert.Contains($"<th>training precision</th><td>{ConfigJson.Name(run.Record.Precision!.Value)}</td>", html);
        // ResNet18's last stage is 7 x 7 at 224 x 224.
        Assert.Contains("<th>heat-maps in model.zip</th><td>yes: the Heatmap column, Grad-CAM of the predicted class, 7 x 7</td>", html);
        Assert.Equal([7, 7], report.ModelHeatmap!);

        // report.json holds the same numbers.
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(run.Folder, ReportWriter.JsonFile)));
        Assert.Equal(test.GetProperty("accuracy").GetDouble(), json.RootElement.GetProperty("test").GetProperty("accuracy").GetDouble());
        Assert.Equal(2, json.RootElement.GetProperty("history").GetArrayLength());

        // Every picture is an embedded PNG that decodes; no reference leaves the file.
        var images = ImageSources().Matches(html).Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(Pictures(report), images.Count);
        Assert.Contains("augmentation", report.Figures.Keys);
        // A frozen-base run's suspects come from heads fitted fold by fold on the backbone's features, computed for the report.
        Assert.Null(report.NoSuspects);
        Assert.Equal(new ReportOptions().Suspects, report.Suspects!.Count);
        Assert.All(report.Suspects, s => Assert.NotEmpty(s.Overlay));
        Assert.Equal(report.Suspects.Select(s => s.Image), MLNetTransfer.Evaluation.PredictionsCsv.Parse(File.ReadAllText(Path.Combine(run.Folder, SuspectedMislabels.FileName))).Take(report.Suspects.Count).Select(p => p.ImagePath));
        Assert.Contains("<h2>Suspected mislabels</h2>", html);
        foreach (var source in images)
        {
            Assert.StartsWith("data:image/png;base64,", source);
            using var bitmap = SkiaSharp.SKBitmap.Decode(Convert.FromBase64String(source["data:image/png;base64,".Length..]));
            Assert.NotNull(bitmap);
        }
        Assert.DoesNotMatch("(src|href)=\"(http|//|file:)", html);
        Assert.Equal(6, Regex.Matches(html, "<svg").Count); // loss, accuracy, the learning-rate sweep, ROC, and reliability for test and validation
        // Ids are the page's: each chart's clip paths are its own, or a chart draws through another's.
        var ids = Regex.Matches(html, " id=\"([^\"]+)\"").Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(ids.Distinct().Count(), ids.Count);
        Assert.Contains(ids, id => id.StartsWith("clip", StringComparison.Ordinal));
        // train --lr-find's sweep, with the rate it suggests.
        Assert.Equal(LearningRateFinder.Read(run.Folder)!.Suggested, report.LearningRateSweep!.Suggested);
        Assert.Equal(report.LearningRateSweep.Suggested, Shown("suggested-learning-rate"));
        Assert.NotNull(report.Quality);
        Assert.Equal(run.Metrics.Test.Count, report.Quality!.Images);
        // The synthetic set's boxes.csv gives every test image's object: localisation is measured on all of them.
        Assert.Equal(run.Metrics.Test.Count, report.Quality.Localised);
        Assert.Equal(report.Quality.HeatInside!.Value, Shown("heat-inside"));
        Assert.InRange(report.Quality.ObjectShare!.Value, 0.05, 0.5);
        // ROAD on the first test images, shown as report.json has it.
        Assert.Equal(Math.Min(run.Metrics.Test.Count, new ReportOptions().RoadImages), report.Quality.RoadImages);
        Assert.Equal(report.Quality.RoadCombined!.Value, Shown("road-combined"));
        Assert.Equal(report.Quality.RoadMostRelevantFirst!.Value, Shown("road-morf"));

        // The default methods ranked on the first test images, in the order of the rule, kept for explain --method best.
        var ranking = report.Ranking!;
        Assert.Equal(MLNetTransfer.Interpretability.MethodRanker.DefaultMethods.Order(), ranking.Select(r => r.Method).Order());
        Assert.All(ranking, r => Assert.Equal(Math.Min(run.Metrics.Test.Count, new ReportOptions().RankingImages), r.Quality.Images));
        Assert.All(ranking, r => Assert.NotNull(r.LocalisationRank));
        var sums = ranking.Select(r => r.FaithfulnessRank + r.LocalisationRank!.Value).ToList();
        Assert.Equal(sums.Order(), sums);
        Assert.Equal(ranking[0].Method, MetricValue(html, "best-method"));
        var rankingFile = Path.Combine(run.Folder, MLNetTransfer.Interpretability.Metrics.MethodRanking.FileName);
        Assert.Equal(ranking[0].Method, MLNetTransfer.Interpretability.Metrics.MethodRanking.Best(File.ReadAllText(rankingFile), rankingFile));
        var gradCam = ranking.Single(r => r.Method == "grad-cam").Quality;
        // The best other method's maps beside Grad-CAM's, two pictures an image.
        var pairs = report.Figures["ranking"];
        Assert.Equal(2 * Math.Min(4, gradCam.Images), pairs.Count);
        Assert.Contains(": grad-cam, explaining", pairs[0].Caption);
        Assert.Contains($": {ranking.First(r => r.Method != "grad-cam").Method}, explaining", pairs[1].Caption);
    }

    [Fact]
    public void A_four_class_report_shows_top_k_the_confusion_heat_map_calibration_before_and_after_and_both_maps_of_a_mistake()
    {
        TorchRuntime.EnsureStarted();
        var config = Configs.FourClasses(folder, imagesPerClass: 12);
        var run = new ExperimentRunner().Run(Configs.Read(config));
        // One test photo relabelled after training is a mistake whatever the model learnt: the report explains both classes.
        var predictions = Path.Combine(run.Folder, "predictions.csv");
        var lines = File.ReadAllLines(predictions);
        var row = lines[1].Split(',');
        var relabelled = run.Metrics.Test.Classes.First(c => c != row[2]);
        lines[1] = string.Join(',', [row[0], relabelled, .. row[2..]]);
        File.WriteAllLines(predictions, lines);

        var report = ReportWriter.Write(TrainedRun.Open(run.Folder), Quick);
        var html = Html(run);

        Assert.Equal(run.Metrics.Test.TopK![0].Accuracy.ToString("R", System.Globalization.CultureInfo.InvariantCulture), MetricValue(html, "test-top-2"));
        Assert.Equal(run.Metrics.Test.MacroF1!.Value.ToString("R", System.Globalization.CultureInfo.InvariantCulture), MetricValue(html, "test-macro-f1"));
        MetricValue(html, "test-mean-auc");
        Assert.Equal(run.Metrics.Temperature!.Value.ToString("R", System.Globalization.CultureInfo.InvariantCulture), MetricValue(html, "temperature"));
        Assert.Equal(run.Metrics.TestBeforeScaling!.Calibration!.ExpectedCalibrationError.ToString("R", System.Globalization.CultureInfo.InvariantCulture), MetricValue(html, "test-ece-before"));
        MetricValue(html, "test-ece");
        Assert.Contains("class=\"confusion-heatmap\"", html);
        Assert.Equal(16 * 2, Regex.Matches(html, "<rect [^>]*><title>true ").Count); // a 4 x 4 heat-map for test and for validation
        Assert.Contains("Reliability, test before temperature scaling", html);
        Assert.Contains("Reliability, validation after temperature scaling", html);

        var mistake = report.Mistakes.Single(m => m.Image == row[0]);
        Assert.Equal(relabelled, mistake.Label);
        Assert.True(File.Exists(Path.Combine(run.Folder, ReportWriter.FiguresFolder, mistake.TrueClassOverlay)));
        Assert.Contains($"explaining {relabelled}, the true class", html);
        // The section list links to every section.
        var sections = Regex.Matches(html, "<section id=\"([^\"]+)\">").Select(m => m.Groups[1].Value).ToList();
        Assert.Contains("test-set", sections);
        Assert.All(sections, id => Assert.Contains($"<a href=\"#{id}\">", html));
    }

    const string MarkupName = "<img src=x onerror=alert(1)>";

    [Fact]
    public void A_class_named_like_markup_is_shown_as_text()
    {
        var html = Html(RunWithMarkupClassName());
        Assert.DoesNotContain(MarkupName, html);
        Assert.Contains("&lt;img src=x onerror=alert(1)&gt;", html);
    }

    [ChromiumFact]
    public void A_class_named_like_markup_stays_text_when_a_browser_renders_the_report()
    {
        var run = RunWithMarkupClassName();
        var (dom, _) = HeadlessChromium.DumpDom(Path.Combine(run.Folder, ReportWriter.HtmlFile));
        Assert.DoesNotContain("src=\"x\"", dom);
        Assert.Contains("&lt;img src=x onerror=alert(1)&gt;", dom);
    }

    RunResult RunWithMarkupClassName()
    {
        TorchRuntime.EnsureStarted();
        Configs.Synthetic(folder);
        MLNetTransfer.Data.SyntheticPets.Generate(folder["generated"], 12, 128, 3);
        Directory.CreateDirectory(folder["data/synthetic"]);
        Directory.Move(folder["generated/cat"], folder["data/synthetic/cat"]);
        Directory.Move(folder["generated/dog"], folder["data/synthetic/" + MarkupName]);
        var run = Train();
        ReportWriter.Write(TrainedRun.Open(run.Folder), Quick);
        return run;
    }

    [Fact]
    public void A_run_that_cannot_be_explained_still_gets_its_report_saying_why()
    {
        TorchRuntime.EnsureStarted();
        var run = Train(head: """{ "trainer": "light-gbm", "numberOfIterations": 5, "minimumExampleCountPerLeaf": 2 }""");
        var report = ReportWriter.Write(TrainedRun.Open(run.Folder));
        Assert.Null(report.Ranking);
        Assert.Null(report.Quality);
        Assert.Contains("not a linear maximum-entropy classifier", report.Unexplained);
        Assert.All(report.LeastConfident, e => Assert.Empty(e.Overlay));
        var html = Html(run);
        Assert.Contains("No heat-maps, activations or filter pictures for this run", html);
        Assert.Contains("<th>heat-maps in model.zip</th><td>no (set export.heatmap to add them)</td>", html);
        Assert.Equal(run.Metrics.Test.Accuracy, double.Parse(MetricValue(html, "test-accuracy"), System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void Test_photos_damaged_since_training_and_masks_of_another_shape_are_left_out_of_the_pictures_and_listed()
    {
        TorchRuntime.EnsureStarted();
        var run = Train();
        var tests = MLNetTransfer.Evaluation.PredictionsCsv.Parse(File.ReadAllText(Path.Combine(run.Folder, RunFolder.PredictionsFile))).Select(p => p.ImagePath).ToList();
        var (damaged, misfit) = (tests[0], tests[^1]);
        File.WriteAllText(damaged, "hello");
        // The synthetic photos are square: a 10 x 40 mask cannot be placed on one.
        var mask = Path.Combine(folder["data/synthetic"], "masks", Path.GetFileNameWithoutExtension(misfit) + ".png");
        Directory.CreateDirectory(Path.GetDirectoryName(mask)!);
        using (var bitmap = new SkiaSharp.SKBitmap(10, 40))
            File.WriteAllBytes(mask, EncodedImage.Png(bitmap));

        var report = ReportWriter.Write(TrainedRun.Open(run.Folder), Quick);

        Assert.Null(report.Unexplained);
        Assert.Equal(tests.Count - 1, report.Quality!.Images);
        Assert.Equal(tests.Count - 2, report.Quality.Localised); // every other one has its box in boxes.csv
        var leftOut = report.LeftOut!.ToDictionary(f => f.Path, f => f.Reason);
        Assert.StartsWith("not a decodable image", leftOut[damaged]);
        Assert.Contains($"mask of 10 x 40 for an image of 128 x 128 ({misfit})", leftOut[mask]);
        var html = Html(run);
        Assert.Contains("Left out of the pictures", html);
        Assert.Contains(System.Net.WebUtility.HtmlEncode(mask), html);
    }

    [ChromiumFact]
    public void The_report_renders_in_headless_chromium_with_every_image_loaded_and_no_console_error()
    {
        TorchRuntime.EnsureStarted();
        var run = Train();
        var report = ReportWriter.Write(TrainedRun.Open(run.Folder), Quick with { RankedMethods = ["grad-cam", "eigen-cam"] });
        var page = Path.Combine(run.Folder, ReportWriter.HtmlFile);

        var (dom, log) = HeadlessChromium.DumpDom(page);
        var images = Pictures(report);
        Assert.Contains($"data-images-loaded=\"{images}/{images}\"", dom);
        Assert.DoesNotMatch("CONSOLE.*(Error|Uncaught)|Uncaught", log);
        Assert.Equal(run.Metrics.Test.Accuracy.ToString("R", System.Globalization.CultureInfo.InvariantCulture), MetricValue(dom, "test-accuracy"));
        Assert.Contains("data-fits-width=\"true\"", dom);
        // On a phone's width the page still fits: wide tables scroll inside their section, charts and pictures shrink.
        var phone = HeadlessChromium.DumpDom(page, width: 390, height: 844).Dom;
        Assert.Contains("data-fits-width=\"true\"", phone);
        // Nor does any section need to scroll sideways, at either width.
        Assert.Contains("data-overflowing=\"\"", dom);
        Assert.Contains("data-overflowing=\"\"", phone);

        var artefacts = Path.Combine(AppContext.BaseDirectory, "artifacts");
        Directory.CreateDirectory(artefacts);
        var screenshot = Path.Combine(artefacts, "report-synthetic.png");
        HeadlessChromium.Screenshot(page, screenshot);
        using var picture = SkiaSharp.SKBitmap.Decode(screenshot);
        Assert.Equal(1200, picture.Width);
        HeadlessChromium.Screenshot(page, Path.Combine(artefacts, "report-synthetic-phone.png"), 390, 2400);
        output.WriteLine($"screenshots: {screenshot}, report-synthetic-phone.png beside it");
    }

    // Every overlay of the examples (two for a mistake or a doubted label) and every figure.
    static int Pictures(RunReport report) =>
        report.Mistakes.Concat(report.LeastConfident).Concat(report.Suspects ?? [])
            .Sum(e => (e.Overlay.Length > 0 ? 1 : 0) + (e.TrueClassOverlay.Length > 0 ? 1 : 0)) + report.Figures.Values.Sum(f => f.Count);

    static string MetricValue(string html, string metric) =>
        Regex.Match(html, $"data-metric=\"{metric}\" data-value=\"([^\"]+)\"") is { Success: true } m ? m.Groups[1].Value
            : throw new Xunit.Sdk.XunitException($"the report shows no {metric}");

    [GeneratedRegex("<img src=\"([^\"]+)\"")]
    private static partial Regex ImageSources();
}
