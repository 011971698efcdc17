using Microsoft.ML;
using Microsoft.ML.Data;
using MLNetTransfer.Backbones;
using MLNetTransfer.Backbones.Export;
using MLNetTransfer.Core;
using MLNetTransfer.Experiments;
using MLNetTransfer.Interpretability.Cam;
using MLNetTransfer.Tests.Experiments;
using MLNetTransfer.Tests.Support;

namespace MLNetTransfer.Tests.Training;

/// <summary>
/// The Heatmap column of model.zip ("export": { "heatmap": true }), scored by ML.NET and ONNX Runtime alone, against
/// explain's Grad-CAM of the same photos at the layer's own resolution.
/// </summary>
public sealed class HeatmapColumnTests : IDisposable
{
    readonly TempFolder folder = new();

    public HeatmapColumnTests() => TorchRuntime.EnsureStarted();

    public void Dispose() => folder.Dispose();

    const string Export = """ "export": { "heatmap": true }, """;

    // A user's CNN at 32 x 32 with its own preprocessing: conv, ReLU, max pooling, conv, ReLU, global pooling.
    void WriteUserCnn(bool convolutionAfterPooling = false)
    {
        var random = new Random(5);
        float[] Values(int n) => Enumerable.Range(0, n).Select(_ => random.NextSingle() - 0.5f).ToArray();
        var builder = new OnnxGraphBuilder("user-cnn").Input("image", 1, 3, 32, 32)
            .Constant("w1", [8, 3, 3, 3], Values(216)).Constant("b1", [8], Values(8))
            .Constant("w2", [6, 8, 3, 3], Values(432)).Constant("b2", [6], Values(6))
            .Node("Conv", "conv1", ["image", "w1", "b1"], ["c1"], new Dictionary<string, object> { ["pads"] = new long[] { 1, 1, 1, 1 } })
            .Node("Relu", "relu1", ["c1"], ["r1"])
            .Node("MaxPool", "pool1", ["r1"], ["p1"], new Dictionary<string, object> { ["kernel_shape"] = new long[] { 2, 2 }, ["strides"] = new long[] { 2, 2 } })
            .Node("Conv", "conv2", ["p1", "w2", "b2"], ["c2"], new Dictionary<string, object> { ["pads"] = new long[] { 1, 1, 1, 1 } })
            .Node("Relu", "relu2", ["c2"], ["r2"])
            .Node("GlobalAveragePool", "gap", ["r2"], ["pooled"]);
        if (convolutionAfterPooling)
            builder.Constant("w3", [6, 6, 1, 1], Values(36)).Node("Conv", "mix", ["pooled", "w3"], ["mixed"]).Node("Flatten", "flatten", ["mixed"], ["features"]);
        else
            builder.Node("Flatten", "flatten", ["pooled"], ["features"]);
        Directory.CreateDirectory(folder["configs"]);
        builder.Output("features", 1, 6).Save(folder["configs/cnn.onnx"]);
    }

    const string UserCnn = """
        "backbone": { "onnx": "cnn.onnx", "preprocessing": { "scale": 0.00392156862745098, "mean": [0.5, 0.4, 0.3], "std": [0.25, 0.25, 0.25] } },
        """;

    // float32 on every CPU, so the runs are the same everywhere ("auto" chose bfloat16 on some machines and not others);
    // at a rate of 0.003 the small from-scratch convnet's ReLUs died in float32 and every map came out flat.
    string NetworkConfig(string mode, string hidden, string extra) => Configs.Synthetic(folder, imagesPerClass: 12, head: null, extra:
        $$""" "mode": "{{mode}}", "classifier": { "hiddenUnits": {{hidden}}, "dropout": 0.2 }, "training": { "batchSize": 4, "precision": "float32", "phases": [ { "epochs": 2, "learningRate": 0.001 } ] }, {{Export}} {{extra}} """);

    [Theory]
    [InlineData("feature-extraction", "", "")]
    [InlineData("frozen-base", "[16]", "")]
    [InlineData("fine-tune", "[]", "")]
    [InlineData("frozen-base", "[16]", """ "testTimeAugmentation": "flips", """)]
    [InlineData("from-scratch", "[16, 8]", """ "testTimeAugmentation": "horizontal-flip", "imageSize": { "width": 64, "height": 64 }, """)]
    [InlineData("frozen-base", "[8]", "user-cnn")]
    public void The_heatmap_column_is_explains_grad_cam_at_the_layers_resolution(string mode, string hidden, string extra)
    {
        if (extra == "user-cnn")
        {
            WriteUserCnn();
            extra = UserCnn;
        }
        var config = mode == "feature-extraction" ? Configs.Synthetic(folder, imagesPerClass: 12, extra: Export) : NetworkConfig(mode, hidden, extra);
        var result = new ExperimentRunner().Run(ExperimentConfigReader.Read(config));
        AssertColumnIsExplainsGradCam(result.Folder);
    }

    static void AssertColumnIsExplainsGradCam(string runFolder)
    {
        var run = TrainedRun.Open(runFolder);
        var images = run.TestImages.Select(i => i.Path).ToList();

        var column = Column(Path.Combine(runFolder, "model.zip"), images);

        using var explainable = run.Explainable();
        var (inputs, _) = explainable.Prepare(images);
        var (maps, _) = explainable.Explain(new GradCam { AtLayerSize = true }, inputs, explainable.DefaultLayer);
        var (height, width) = (maps.shape[1], maps.shape[2]);
        Assert.True(height > 1 && width > 1, $"a map of {height} x {width} shows no place");
        Assert.Equal(((int)height, (int)width), run.HeatmapSize);
        var largest = 0f;
        for (var i = 0; i < images.Count; i++)
        {
            Assert.Equal(height * width, column[i].Length);
            var expected = maps[i].flatten().data<float>().ToArray();
            largest = Math.Max(largest, column[i].Zip(expected, (a, b) => Math.Abs(a - b)).Max());
            Assert.Equal(1f, column[i].Max(), 3);
        }
        Assert.True(largest <= 1e-4, $"largest |Heatmap - explain's Grad-CAM| = {largest:E2}");
        // Maps that are alike everywhere would agree by accident.
        Assert.True(column.Any(map => map.Min() < 0.5f), "every map is flat");
    }

    [Theory]
    [InlineData("")]
    [InlineData(""" "mode": "frozen-base", "classifier": { "hiddenUnits": [16] }, "testTimeAugmentation": "horizontal-flip", "training": { "batchSize": 4, "phases": [ { "epochs": 1 } ] }, """)]
    public void Export_adds_the_column_to_a_run_trained_without_it_and_keeps_its_predictions(string extra)
    {
        var result = new ExperimentRunner().Run(ExperimentConfigReader.Read(Configs.Synthetic(folder, imagesPerClass: 12, head: extra == "" ? """{ "trainer": "lbfgs-maximum-entropy" }""" : null, extra: extra)));
        Assert.Null(TrainedRun.Open(result.Folder).HeatmapSize);

        var export = CliApp.Run("export", result.Folder, "--heatmap");
        Assert.Equal(0, export.ExitCode);
        Assert.Contains("now outputs a 7 x 7 Heatmap column beside Score", export.Output.Replace("\n", ""));

        AssertColumnIsExplainsGradCam(result.Folder);
        var run = TrainedRun.Open(result.Folder);
        var scored = MLNetTransfer.Evaluation.ClassifierEvaluator.Predict(run.Ml, run.Model, run.TestImages.Select(i => (i.Path, (string?)i.Label)).ToList());
        var saved = File.ReadAllLines(Path.Combine(result.Folder, "predictions.csv")).Skip(1).Select(l => l.Split(',')).ToList();
        Assert.Equal(saved.Select(r => r[2]), scored.Select(p => p.PredictedLabel));
        Assert.Equal(saved.Select(r => float.Parse(r[3], System.Globalization.CultureInfo.InvariantCulture)), scored.Select(p => p.Scores[0]), (a, b) => Math.Abs(a - b) < 1e-4);

        var again = CliApp.Run("export", result.Folder, "--heatmap");
        Assert.Equal(MLNetTransfer.Cli.ExitCodes.BadInput, again.ExitCode);
        Assert.Contains("the model already has a Heatmap column", again.Output.Replace("\n", ""));
    }

    static float[][] Column(string model, IReadOnlyList<string> images)
    {
        var ml = new MLContext();
        var loaded = ml.Model.Load(model, out _);
        var data = ml.Data.LoadFromEnumerable(images.Select(i => new ExperimentRunTests.AppInput { ImagePath = i }));
        return loaded.Transform(data).GetColumn<float[]>(HeatmapOutput.Name).ToArray();
    }

    [Fact]
    public void The_apps_overlay_is_drawn_from_model_zip_alone_over_the_photo_it_explains()
    {
        var result = new ExperimentRunner().Run(ExperimentConfigReader.Read(Configs.Synthetic(folder, imagesPerClass: 12, extra: Export)));
        var model = Path.Combine(result.Folder, "model.zip");
        var photo = TrainedRun.Open(result.Folder).TestImages[0].Path;

        var (prediction, rows, columns) = HeatmapApp.Overlay.Draw(model, photo, folder["overlay.png"]);

        Assert.Equal((7, 7), (rows, columns));
        var predicted = File.ReadAllLines(Path.Combine(result.Folder, "predictions.csv")).Skip(1).Select(l => l.Split(',')).Single(r => r[0] == photo);
        Assert.Equal(predicted[2], prediction.PredictedLabel);
        Assert.Equal(Column(model, [photo])[0], prediction.Heatmap);
        using var original = SkiaSharp.SKBitmap.Decode(photo);
        using var overlay = SkiaSharp.SKBitmap.Decode(folder["overlay.png"]);
        Assert.Equal((original.Width, original.Height), (overlay.Width, overlay.Height));
        // Where the map is hottest the overlay is redder than the photo.
        var hottest = Array.IndexOf(prediction.Heatmap, prediction.Heatmap.Max());
        var (x, y) = ((hottest % columns + 0.5) * original.Width / columns, (hottest / columns + 0.5) * original.Height / rows);
        var (before, after) = (original.GetPixel((int)x, (int)y), overlay.GetPixel((int)x, (int)y));
        Assert.True(after.Red - after.Blue > before.Red - before.Blue, $"at ({x:0}, {y:0}) the photo is {before}, the overlay {after}");
    }

    [Fact]
    public void A_light_gbm_head_is_refused_before_anything_runs()
    {
        var config = Configs.Synthetic(folder, head: """{ "trainer": "light-gbm" }""", extra: Export);
        var e = Assert.Throws<ConfigException>(() => new ExperimentRunner().Run(ExperimentConfigReader.Read(config)));
        Assert.Equal("export.heatmap", e.Field);
        Assert.Contains("light-gbm head's trees have no gradient", e.Message);
    }

    [Theory]
    [InlineData("feature-extraction")]
    [InlineData("frozen-base")]
    public void A_backbone_with_a_convolution_after_the_layer_is_refused_naming_the_node(string mode)
    {
        WriteUserCnn(convolutionAfterPooling: true);
        var config = mode == "feature-extraction"
            ? Configs.Synthetic(folder, extra: Export + UserCnn)
            : NetworkConfig(mode, "[8]", UserCnn);
        var e = Assert.Throws<ConfigException>(() => new ExperimentRunner().Run(ExperimentConfigReader.Read(config)));
        Assert.Equal("export.heatmap", e.Field);
        Assert.Contains("node 'mix' (Conv) lies between the explained layer 'r2' and the backbone's output", e.Message);
    }

    [Theory]
    [InlineData(7, 7, 224, 224)]
    [InlineData(3, 5, 10, 7)]
    [InlineData(2, 2, 5, 9)]
    public void An_upsampled_column_matches_torchs_bilinear_interpolation(int height, int width, int toHeight, int toWidth)
    {
        var random = new Random(height * 31 + width);
        var map = Enumerable.Range(0, height * width).Select(_ => random.NextSingle()).ToArray();
        var upsampled = MLNetTransfer.Imaging.HeatmapOverlay.Upsample(map, height, width, toHeight, toWidth);
        using var expected = TorchSharp.torch.nn.functional.interpolate(TorchSharp.torch.tensor(map, [1, 1, height, width]), [toHeight, toWidth],
            mode: TorchSharp.torch.InterpolationMode.Bilinear, align_corners: false);
        var difference = upsampled.Zip(expected.flatten().data<float>().ToArray(), (a, b) => Math.Abs(a - b)).Max();
        Assert.True(difference < 1e-5, $"largest difference {difference:E2}");
    }
}
