using MLNetTransfer.Cli;
using MLNetTransfer.Experiments;
using MLNetTransfer.Interpretability;
using MLNetTransfer.Interpretability.Cam;
using MLNetTransfer.Tests.Support;
using MLNetTransfer.Training;

namespace MLNetTransfer.Tests.Cli;

public sealed class CliTests : IDisposable
{
    readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    [Fact]
    public void A_config_error_prints_file_and_field_and_exits_with_2()
    {
        var config = folder.Write("bad.json", """{ "name": "x", "dataset": { "rot": "photos" } }""");
        var result = CliApp.Run("train", config);
        Assert.Equal(ExitCodes.BadInput, result.ExitCode);
        Assert.Contains("error:", result.Output);
        Assert.Contains("dataset.rot: unknown field; did you mean 'root'?", result.Output.Replace("\n", ""));
    }

    [Fact]
    public void A_missing_config_file_exits_with_2()
    {
        var result = CliApp.Run("train", folder["nowhere.json"]);
        Assert.Equal(ExitCodes.BadInput, result.ExitCode);
        Assert.Contains("file not found", result.Output);
    }

    [Fact]
    public void Train_prints_the_test_accuracy_then_predict_and_evaluate_use_the_run()
    {
        var train = CliApp.Run("train", Configs.Synthetic(folder), "--no-report", "--seed", "11");
        Assert.Equal(0, train.ExitCode);
        var line = train.Output.Split('\n').Single(l => l.StartsWith("test accuracy: ", StringComparison.Ordinal));
        var runFolder = Directory.GetDirectories(folder["runs/synthetic-test"]).Single();
        // --seed replaced the config's 7.
        Assert.Equal(11, TrainedRun.Open(runFolder).Record.Seed);

        var predict = CliApp.Run("predict", runFolder, folder["data/synthetic/cat"], "--csv", folder["predicted.csv"]);
        Assert.Equal(0, predict.ExitCode);
        Assert.Equal(13, File.ReadAllLines(folder["predicted.csv"]).Length);

        var evaluate = CliApp.Run("evaluate", runFolder);
        Assert.Equal(0, evaluate.ExitCode);
        // The run's own test set again: the same accuracy as train printed.
        Assert.Contains("accuracy: " + line["test accuracy: ".Length..].Split(' ')[0] + " on 6 images", evaluate.Output);

        var other = CliApp.Run("evaluate", runFolder, "--data", folder["data/synthetic"]);
        Assert.Equal(0, other.ExitCode);
        Assert.Contains("on 24 images", other.Output);
    }

    [Fact]
    public void Predict_draws_heatmaps_from_the_model_column_and_says_how_to_get_one()
    {
        var config = Configs.Synthetic(folder, extra: """ "export": { "heatmap": true }, """);
        Assert.Equal(0, CliApp.Run("train", config, "--no-report").ExitCode);
        var runFolder = Directory.GetDirectories(folder["runs/synthetic-test"]).Single();

        var predict = CliApp.Run("predict", runFolder, folder["data/synthetic/cat"], "--heatmaps", folder["heatmaps"]);
        Assert.Equal(0, predict.ExitCode);
        Assert.Contains($"12 heat-maps from model.zip written to {folder["heatmaps"]}", predict.Output.Replace("\n", ""));
        var overlays = Directory.GetFiles(folder["heatmaps"], "*.png");
        Assert.Equal(12, overlays.Length);
        using var overlay = SkiaSharp.SKBitmap.Decode(overlays[0]);
        Assert.Equal((224, 224), (overlay.Width, overlay.Height));

        // A model saved without the column: the message says how to add it.
        File.WriteAllText(config, File.ReadAllText(config).Replace("\"heatmap\": true", "\"heatmap\": false"));
        Assert.Equal(0, CliApp.Run("train", config, "--no-report").ExitCode);
        var plain = Directory.GetDirectories(folder["runs/synthetic-test"]).Single(d => d != runFolder);
        var refused = CliApp.Run("predict", plain, folder["data/synthetic/cat"], "--heatmaps", folder["more"]);
        Assert.Equal(ExitCodes.BadInput, refused.ExitCode);
        Assert.Contains("the model has no Heatmap column; add it with `mlnet-transfer export ", refused.Output.Replace("\n", ""));
        Assert.Contains(" --heatmap`, or train with \"export\": { \"heatmap\": true } in the config", refused.Output.Replace("\n", ""));
    }

    [Theory]
    [InlineData("""{ "trainer": "lbfgs-maximum-entropy" }""", "")]
    [InlineData(null, """ "mode": "fine-tune", "classifier": { "hiddenUnits": [16] }, "training": { "batchSize": 4, "phases": [ { "epochs": 1 } ] }, """)]
    [InlineData(null, """ "mode": "frozen-base", "testTimeAugmentation": "horizontal-flip", "training": { "batchSize": 4, "phases": [ { "epochs": 1 } ] }, """)]
    [InlineData(null, """ "mode": "from-scratch", "imageSize": { "width": 64, "height": 64 }, "training": { "batchSize": 4, "phases": [ { "epochs": 1 } ] }, """)]
    public void Explain_writes_an_overlay_and_quality_figures_per_image_for_every_kind_of_run(string? head, string extra)
    {
        var config = Configs.Synthetic(folder, head: head, extra: extra);
        var train = CliApp.Run("train", config, "--no-report");
        Assert.Equal(0, train.ExitCode);
        // A network run says which precision it trained in; an ML.NET head has none to say.
        var said = System.Text.RegularExpressions.Regex.Replace(train.Output.Replace("│", " "), @"\s+", " ");
        Assert.Equal(head is null, said.Contains($"trained in {ConfigJson.Name(TrainingPrecision.Auto.Resolve())}"));
        var runFolder = Directory.GetDirectories(folder["runs/synthetic-test"]).Single();

        var result = CliApp.Run("explain", runFolder, folder["data/synthetic/dog"], "--class", "dog");
        Assert.True(result.ExitCode == 0, result.Output);
        var output = Path.Combine(runFolder, "explanations", "grad-cam");
        var overlays = Directory.GetFiles(output, "*.png");
        Assert.Equal(12, overlays.Length);
        using var overlay = SkiaSharp.SKBitmap.Decode(overlays[0]);
        var size = MLNetTransfer.Experiments.TrainedRun.Open(runFolder).Backbone;
        Assert.Equal((size.Width, size.Height), (overlay.Width, overlay.Height));
        var quality = File.ReadAllLines(Path.Combine(output, "quality.csv"));
        Assert.Equal(13, quality.Length);
        Assert.All(quality.Skip(1), row => Assert.StartsWith(folder["data/synthetic/dog"], row.Trim('"')));
        // Read from the end: the file's path may hold commas.
        var columns = quality[0].Split(',');
        string Cell(string row, string column) => row.Split(',')[^(columns.Length - Array.IndexOf(columns, column))];
        Assert.All(quality.Skip(1), row => Assert.Equal("dog", Cell(row, "class")));
        Assert.All(quality.Skip(1), row => Assert.NotEmpty(Cell(row, "road_combined")));

        var bad = CliApp.Run("explain", runFolder, folder["data/synthetic/dog"], "--class", "fox");
        Assert.Equal(ExitCodes.BadInput, bad.ExitCode);
        Assert.Contains("the model's classes are cat, dog", bad.Output.Replace("\n", ""));
    }

    [Fact]
    public void Explain_best_ranks_the_methods_once_keeps_the_ranking_and_pixel_attributions_refuse_what_does_not_apply()
    {
        Assert.Equal(0, CliApp.Run("train", Configs.Synthetic(folder), "--no-report").ExitCode);
        var runFolder = Directory.GetDirectories(folder["runs/synthetic-test"]).Single();
        var images = Directory.GetFiles(folder["data/synthetic/cat"]).Order(StringComparer.Ordinal).Take(2).ToArray();

        var first = CliApp.Run(["explain", runFolder, .. images, "--method", "best"]);
        Assert.True(first.ExitCode == 0, first.Output);
        Assert.Contains($"ranking {MethodRanker.DefaultMethods.Count} methods on 2 image(s)", first.Output);
        var rankingFile = Path.Combine(runFolder, MLNetTransfer.Interpretability.Metrics.MethodRanking.FileName);
        var best = MLNetTransfer.Interpretability.Metrics.MethodRanking.Best(File.ReadAllText(rankingFile), rankingFile);
        Assert.Contains($"best: {best}", first.Output);
        Assert.Equal(2, Directory.GetFiles(Path.Combine(runFolder, "explanations", best), "*.png").Length);
        // The second time the kept ranking decides, with nothing ranked again.
        var second = CliApp.Run(["explain", runFolder, images[0], "--method", "best"]);
        Assert.True(second.ExitCode == 0, second.Output);
        Assert.Contains($"best by the run's method ranking ({rankingFile}): {best}", second.Output.Replace("\n", ""));
        Assert.DoesNotContain("ranking 8 methods", second.Output);

        var attribution = CliApp.Run("explain", runFolder, images[0], "--method", "integrated-gradients", "--out", folder["ig"]);
        Assert.True(attribution.ExitCode == 0, attribution.Output);
        Assert.Contains("integrated-gradients at Input", attribution.Output.Replace("\n", ""));
        var layered = CliApp.Run("explain", runFolder, images[0], "--method", "gradient", "--layer", "ReLU253_Output_0");
        Assert.Equal(ExitCodes.BadInput, layered.ExitCode);
        Assert.Contains("gradient attributes the input's pixels and explains no layer", layered.Output.Replace("\n", ""));
        var eigen = CliApp.Run("explain", runFolder, images[0], "--method", "smooth-grad", "--eigen-smooth");
        Assert.NotEqual(0, eigen.ExitCode);
        Assert.Contains("smooth-grad has no channels to take a principal component of", eigen.Output.Replace("\n", ""));
    }

    [Fact]
    public void Activations_and_filters_write_one_grid_per_layer_into_the_run_folder()
    {
        Assert.Equal(0, CliApp.Run("train", Configs.Synthetic(folder), "--no-report").ExitCode);
        var runFolder = Directory.GetDirectories(folder["runs/synthetic-test"]).Single();
        var image = Directory.GetFiles(folder["data/synthetic/cat"])[0];

        var activations = CliApp.Run("activations", runFolder, image);
        Assert.True(activations.ExitCode == 0, activations.Output);
        Assert.Equal(8, Directory.GetFiles(Path.Combine(runFolder, "activations", Path.GetFileNameWithoutExtension(image)), "*.png").Length);
        var chosen = CliApp.Run("activations", runFolder, image, "--layers", "ReLU253_Output_0,nope", "--out", folder["act"]);
        Assert.Equal(ExitCodes.BadInput, chosen.ExitCode);
        Assert.Contains("layer(s) nope: the network has no such tensor", chosen.Output.Replace("\n", ""));

        var filters = CliApp.Run("filters", runFolder, "-n", "2", "--steps", "2");
        Assert.True(filters.ExitCode == 0, filters.Output);
        var grids = Directory.GetFiles(Path.Combine(runFolder, "filters"), "*.png").Order(StringComparer.Ordinal).ToList();
        Assert.Equal(6, grids.Count);   // the stem's kernels, then each stage
        // Two filters a row, each picture beside its 9 test-image crops, 3 x 74 pixels.
        using var grid = SkiaSharp.SKBitmap.Decode(grids[1]);
        Assert.Equal(2 * (224 + 3 * 74) + 4, grid.Width);
        Assert.True(CliApp.Run("filters", runFolder, "-n", "2", "--steps", "1", "--no-examples", "--layers", "ReLU253_Output_0", "--out", folder["plain"]).ExitCode == 0);
        using var plain = SkiaSharp.SKBitmap.Decode(Directory.GetFiles(folder["plain"]).Single());
        Assert.Equal(2 * 224 + 4, plain.Width);
        // ResNet18's 64 kernels of 7 x 7, enlarged ten times, eight to a row.
        Assert.EndsWith("-kernels.png", grids[0]);
        using var kernels = SkiaSharp.SKBitmap.Decode(grids[0]);
        Assert.Equal(8 * (70 + 4) - 4, kernels.Width);
    }

    [Fact]
    public void Train_writes_the_report_and_compare_ranks_runs_with_the_best_marked()
    {
        Assert.Equal(0, CliApp.Run("train", Configs.Synthetic(folder)).ExitCode);
        Assert.Equal(0, CliApp.Run("train", Configs.Synthetic(folder, head: """{ "trainer": "sdca-maximum-entropy", "maximumIterations": 1 }"""), "--no-report").ExitCode);
        var runs = Directory.GetDirectories(folder["runs/synthetic-test"]).Order(StringComparer.Ordinal).ToArray();
        Assert.True(File.Exists(Path.Combine(runs[0], "report.html")));
        Assert.False(File.Exists(Path.Combine(runs[1], "report.html")));

        var report = CliApp.Run("report", runs[1]);
        Assert.True(report.ExitCode == 0, report.Output);
        Assert.True(File.Exists(Path.Combine(runs[1], "report.json")));

        var compare = CliApp.Run("compare", runs[0], runs[1], "--out", folder["compare.html"]);
        Assert.True(compare.ExitCode == 0, compare.Output);
        Assert.Contains("Grad-CAM deletion gap", compare.Output.Replace("\n", " ").Replace("│", " "));
        var html = File.ReadAllText(folder["compare.html"]);
        Assert.Equal(2, html.Split("<td>synthetic-test</td>").Length - 1);
        Assert.Contains("class=\"n best\"", html);
        Assert.Contains("<td>sdca-maximum-entropy</td>", html);
    }

    [Fact]
    public void Training_several_configs_ends_with_the_table_compare_prints()
    {
        var lbfgs = folder["configs/lbfgs.json"];
        File.Copy(Configs.Synthetic(folder), lbfgs);
        var sdca = Configs.Synthetic(folder, head: """{ "trainer": "sdca-maximum-entropy", "maximumIterations": 1 }""");
        var train = CliApp.Run("train", lbfgs, sdca, "--no-report");
        Assert.True(train.ExitCode == 0, train.Output);
        var runs = Directory.GetDirectories(folder["runs/synthetic-test"]).Order(StringComparer.Ordinal).ToArray();
        var compare = CliApp.Run(["compare", .. runs]);
        Assert.True(compare.ExitCode == 0, compare.Output);

        static string Table(string output) => output[output.IndexOf("experiments compared", StringComparison.Ordinal)..];
        Assert.Equal(Table(compare.Output), Table(train.Output));
        var rows = Table(compare.Output).Split('\n');
        Assert.Single(rows, r => r.Contains("lbfgs-maximum-entropy", StringComparison.Ordinal));
        Assert.Single(rows, r => r.Contains("sdca-maximum-entropy", StringComparison.Ordinal));
    }

    [Fact]
    public void Bench_only_measures_the_group_it_is_given_and_names_the_groups_when_it_is_unknown()
    {
        var result = CliApp.Run("bench", "--images", "8", "--seconds", "0.2", "--only", "extraction", "--json", folder["bench.json"]);
        Assert.True(result.ExitCode == 0, result.Output);
        using var json = System.Text.Json.JsonDocument.Parse(File.ReadAllText(folder["bench.json"]));
        var names = json.RootElement.GetProperty("measurements").EnumerateArray().Select(m => m.GetProperty("Name").GetString()!).ToList();
        Assert.Contains(names, n => n.StartsWith("feature extraction, framework", StringComparison.Ordinal));
        Assert.DoesNotContain(names, n => n.StartsWith("fine-tuning", StringComparison.Ordinal) || n.StartsWith("Grad-CAM", StringComparison.Ordinal));

        var unknown = CliApp.Run("bench", "--only", "speed");
        Assert.NotEqual(0, unknown.ExitCode);
        Assert.Contains("--only speed: the groups are extraction, rerun, training, explanation", unknown.Output);
    }

    [Fact]
    public void Bench_reports_every_figure_beside_its_reference()
    {
        // The smallest run on generated images: speed is judged by running the command, not here; this checks that
        // every figure comes out, with the references its ratios are read against.
        var result = CliApp.Run("bench", "--images", "8", "--batch", "4", "--seconds", "0.2", "--json", folder["bench.json"]);
        Assert.True(result.ExitCode == 0, result.Output);
        using var json = System.Text.Json.JsonDocument.Parse(File.ReadAllText(folder["bench.json"]));
        var measurements = json.RootElement.GetProperty("measurements").EnumerateArray().ToDictionary(m => m.GetProperty("Name").GetString()!);
        Assert.All(measurements.Values, m => Assert.True(m.GetProperty("Rate").GetDouble() > 0 && m.GetProperty("PeakMegabytes").GetDouble() > 0));
        string[] References(string name) =>
            measurements.Single(m => m.Key.StartsWith(name, StringComparison.Ordinal)).Value.GetProperty("References").EnumerateObject().Select(r => r.Name).ToArray();
        Assert.Equal(["raw ONNX Runtime", "raw ONNX Runtime, batches of 16", "arithmetic limit"], References("feature extraction, framework ("));
        Assert.Equal(["raw ONNX Runtime"], References("model.zip's ML.NET chain"));
        Assert.Equal(["without the column"], References("model.zip's chain with its Heatmap column"));
        Assert.Contains("TorchVision resnet18", References("fine-tuning step, framework trainer ("));
        Assert.Contains("bare loop, same network", References("fine-tuning step, framework trainer ("));
        Assert.Equal(["forward pass"], References("Grad-CAM"));
        // Each CAM method's cost per photo, beside Grad-CAM's.
        Assert.All(HeatmapMethods.Names.Where(n => n != "grad-cam").Append("grad-cam+eigen-smooth").Append("grad-cam+aug-smooth"),
            method => Assert.Equal(["grad-cam"], References($"{method}, one photo at ")));
        Assert.Equal(["grad-cam"], References("ROAD of a map, one photo"));
        Assert.Single(References("augmentation of a batch"));
        Assert.Contains(measurements.Keys, name => name.StartsWith("filter ascent", StringComparison.Ordinal));
        // The re-run figures train on all 64 generated photos, in processes of their own.
        Assert.Contains("feature-extraction experiment, first run (64 photos)", measurements.Keys);
        Assert.Equal(["first run"], References("the same, re-run with another head"));
        Assert.Contains("raw ONNX Runtime", result.Output);
    }

    [Fact]
    public void Evaluate_on_a_folder_that_is_not_a_run_exits_with_2()
    {
        var result = CliApp.Run("evaluate", folder.Path);
        Assert.Equal(ExitCodes.BadInput, result.ExitCode);
        Assert.Contains("run.json is missing", result.Output.Replace("\n", ""));
    }

    [Fact]
    public void Datasets_synth_writes_the_images_and_boxes()
    {
        var result = CliApp.Run("datasets", "synth", "--out", folder["pets"], "--per-class", "3", "--size", "64");
        Assert.Equal(0, result.ExitCode);
        Assert.Equal(3, Directory.GetFiles(folder["pets/cat"]).Length);
        Assert.Equal(3, Directory.GetFiles(folder["pets/dog"]).Length);
        Assert.Equal(7, File.ReadAllLines(folder["pets/boxes.csv"]).Length);
        Assert.Equal(ExitCodes.BadInput, CliApp.Run("datasets", "synth", "--out", folder["pets"]).ExitCode);
    }
}
