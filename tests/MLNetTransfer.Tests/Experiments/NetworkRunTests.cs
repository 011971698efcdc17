using Microsoft.ML;
using MLNetTransfer.Backbones.Export;
using MLNetTransfer.Core;
using MLNetTransfer.Experiments;
using MLNetTransfer.Interpretability;
using MLNetTransfer.Interpretability.Cam;
using MLNetTransfer.Tests.Support;
using MLNetTransfer.Training;

namespace MLNetTransfer.Tests.Experiments;

/// <summary>frozen-base, fine-tune and from-scratch runs on a small generated dataset.</summary>
public sealed class NetworkRunTests : IDisposable
{
    readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    string Config(string mode, string training, string extra = "") => Configs.Synthetic(folder, imagesPerClass: 12, head: null,
        extra: $$""" "mode": "{{mode}}", "classifier": { "hiddenUnits": [32], "dropout": 0.2 }, "training": {{training}}, {{extra}} """);

    [Fact]
    public void A_fine_tune_run_keeps_its_history_network_and_a_model_that_reloads_with_the_same_predictions()
    {
        var config = Config("fine-tune", """{ "batchSize": 4, "phases": [ { "name": "head", "epochs": 2, "learningRate": 0.003 }, { "name": "top", "epochs": 1, "unfreeze": { "topStages": 1 }, "learningRate": 0.0001 } ] }""");
        var result = new ExperimentRunner().Run(ExperimentConfigReader.Read(config));

        var history = File.ReadAllLines(Path.Combine(result.Folder, "history.csv"));
        Assert.Equal("phase,epoch,train_loss,train_accuracy,validation_loss,validation_accuracy,learning_rate,seconds,best", history[0]);
        Assert.Equal(["head", "head", "top"], history.Skip(1).Select(l => l.Split(',')[0]));
        foreach (var file in new[] { "network.onnx", "model.zip", "checkpoint/state.json", "metrics.json", "predictions.csv" })
            Assert.True(File.Exists(Path.Combine(result.Folder, file)), file);
        Assert.Equal("fine-tune", System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(result.Folder, "config.json"))).RootElement.GetProperty("mode").GetString());
        // run.json says which precision "auto" chose on this machine.
        var precision = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(result.Folder, "run.json"))).RootElement.GetProperty("precision").GetString();
        Assert.Equal(ConfigJson.Name(TrainingPrecision.Auto.Resolve()), precision);

        AssertSavedModelPredictsAsTheRun(result.Folder);
    }

    // An app loads model.zip and scores image paths alone: it must give the run's own test predictions.
    static void AssertSavedModelPredictsAsTheRun(string runFolder)
    {
        var ml = new MLContext();
        var model = ml.Model.Load(Path.Combine(runFolder, "model.zip"), out var schema);
        Assert.Equal(["ImagePath"], schema.Select(c => c.Name));
        var engine = ml.Model.CreatePredictionEngine<ExperimentRunTests.AppInput, ExperimentRunTests.AppOutput>(model);
        foreach (var row in File.ReadAllLines(Path.Combine(runFolder, "predictions.csv")).Skip(1).Select(l => l.Split(',')))
        {
            var output = engine.Predict(new ExperimentRunTests.AppInput { ImagePath = row[0] });
            Assert.Equal(row[2], output.PredictedLabel);
            Assert.Equal(float.Parse(row[3], System.Globalization.CultureInfo.InvariantCulture), output.Score[0], 4);
        }
    }

    [Fact]
    public void An_interrupted_run_resumes_from_its_checkpoint_and_ends_as_an_uninterrupted_one()
    {
        var training = """{ "batchSize": 4, "phases": [ { "name": "head", "epochs": 2, "learningRate": 0.003 }, { "name": "top", "epochs": 2, "unfreeze": { "topStages": 1 }, "learningRate": 0.0001 } ] }""";
        var definition = ExperimentConfigReader.Read(Config("fine-tune", training));
        var whole = new ExperimentRunner().Run(definition);

        using var cancel = new CancellationTokenSource();
        var interrupted = new ExperimentRunner(new ImmediateProgress<RunProgress>(p =>
        {
            if (p.Step.StartsWith("Training", StringComparison.Ordinal) && p.Done == 3) cancel.Cancel();
        }));
        Assert.ThrowsAny<OperationCanceledException>(() => interrupted.Run(definition, cancel.Token));
        var runFolder = Directory.GetDirectories(folder["runs/synthetic-test"]).Single(d => d != whole.Folder);
        Assert.Contains("\"status\": \"interrupted\"", File.ReadAllText(Path.Combine(runFolder, "run.json")));
        Assert.False(File.Exists(Path.Combine(runFolder, "model.zip")));
        Assert.Equal(4, File.ReadAllLines(Path.Combine(runFolder, "history.csv")).Length);

        var resumed = new ExperimentRunner().Run(definition, resumeFolder: runFolder);
        Assert.Equal(runFolder, resumed.Folder);
        Assert.Equal(5, File.ReadAllLines(Path.Combine(runFolder, "history.csv")).Length);
        Assert.Equal(whole.Metrics.Test.Accuracy, resumed.Metrics.Test.Accuracy);
        Assert.Equal(whole.Metrics.Test.LogLoss, resumed.Metrics.Test.LogLoss, 4);

        var again = Assert.Throws<DataException>(() => new ExperimentRunner().Run(definition, resumeFolder: runFolder));
        Assert.Contains("already completed", again.Message);
    }

    [Fact]
    public void The_same_config_trained_in_two_processes_gives_the_same_history_and_predictions()
    {
        var config = Config("fine-tune", """{ "batchSize": 4, "phases": [ { "name": "head", "epochs": 2 }, { "name": "top", "epochs": 1, "unfreeze": { "topStages": 1 }, "learningRate": 0.0001 } ] }""");
        foreach (var _ in new[] { 1, 2 })
        {
            var start = new System.Diagnostics.ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
            // Without the report: it explains the model, which this test is not about, and would take most of its time.
            foreach (var argument in new[] { Path.Combine(AppContext.BaseDirectory, "mlnet-transfer.dll"), "train", config, "--no-report" }) start.ArgumentList.Add(argument);
            using var process = System.Diagnostics.Process.Start(start)!;
            var output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
            process.WaitForExit();
            Assert.True(process.ExitCode == 0, output);
        }
        var runs = Directory.GetDirectories(folder["runs/synthetic-test"]);
        Assert.Equal(2, runs.Length);
        // Everything but the seconds column.
        string[] History(string run) => File.ReadAllLines(Path.Combine(run, "history.csv")).Select(l => string.Join(',', l.Split(',').Where((_, i) => i != 7))).ToArray();
        Assert.Equal(History(runs[0]), History(runs[1]));
        Assert.Equal(File.ReadAllText(Path.Combine(runs[0], "predictions.csv")), File.ReadAllText(Path.Combine(runs[1], "predictions.csv")));
    }

    [Fact]
    public void Augmentation_trains_every_epoch_on_new_images_and_stays_out_of_the_saved_model()
    {
        var config = Config("frozen-base", """{ "batchSize": 4, "phases": [ { "epochs": 2 } ] }""",
            """ "augmentation": { "rotationRange": 30, "horizontalFlip": true, "zoomRange": 0.2 }, "testTimeAugmentation": "flips", """);
        var result = new ExperimentRunner().Run(ExperimentConfigReader.Read(config));
        Assert.True(File.Exists(Path.Combine(result.Folder, "augmentation.png")));
        using (var preview = SkiaSharp.SKBitmap.Decode(Path.Combine(result.Folder, "augmentation.png")))
            Assert.Equal(3 * 224 + 2 * 4, preview.Width);

        // No augmentation in the saved model: the same image scores the same every time.
        var ml = new MLContext();
        var model = ml.Model.Load(Path.Combine(result.Folder, "model.zip"), out _);
        var engine = ml.Model.CreatePredictionEngine<ExperimentRunTests.AppInput, ExperimentRunTests.AppOutput>(model);
        var image = File.ReadAllLines(Path.Combine(result.Folder, "predictions.csv"))[1].Split(',')[0];
        var scores = Enumerable.Range(0, 3).Select(_ => engine.Predict(new ExperimentRunTests.AppInput { ImagePath = image }).Score[0]).ToList();
        Assert.All(scores, s => Assert.Equal(scores[0], s));
        Assert.DoesNotContain("Augment", string.Join(",", ((Microsoft.ML.Data.TransformerChain<ITransformer>)model).Select(t => t.GetType().Name)));

        // Test-time augmentation averages each image with its flipped copies, so an image and its mirror score alike.
        using (var original = SkiaSharp.SKBitmap.Decode(image))
        using (var mirrored = new SkiaSharp.SKBitmap(original.Width, original.Height))
        {
            for (var y = 0; y < original.Height; y++)
                for (var x = 0; x < original.Width; x++)
                    mirrored.SetPixel(original.Width - 1 - x, y, original.GetPixel(x, y));
            File.WriteAllBytes(folder["mirrored.png"], EncodedImage.Png(mirrored));
        }
        // Within 1e-3, not exactly: ML.NET's resize of the 128-pixel image to 224 is not perfectly mirror-symmetric, nor
        // is the mean image ResNet18's preprocessing subtracts (nor is it upside down, so that flip is checked below).
        Assert.Equal(scores[0], engine.Predict(new ExperimentRunTests.AppInput { ImagePath = folder["mirrored.png"] }).Score[0], 3);

        // Explained as the model predicts: every view averaged, so a flipped input gets the flipped map.
        using var explainable = TrainedRun.Open(result.Folder).Explainable();
        Assert.Equal(TestTimeAugmentation.Flips, explainable.Flips);
        var (inputs, _) = explainable.Prepare([image]);
        var probability = explainable.Probabilities(inputs)[0, 0].item<float>();
        Assert.Equal(scores[0], probability, 4);
        // The network's input flipped either way: the same four views, the same prediction.
        Assert.Equal(probability, explainable.Probabilities(inputs.flip(2))[0, 0].item<float>(), 5);
        Assert.Equal(probability, explainable.Probabilities(inputs.flip(3))[0, 0].item<float>(), 5);
        var (heatmap, _) = explainable.Explain(new GradCam(), inputs, explainable.DefaultLayer);
        var (mirroredMap, _) = explainable.Explain(new GradCam(), inputs.flip(3), explainable.DefaultLayer);
        var (upsideDownMap, _) = explainable.Explain(new GradCam(), inputs.flip(2), explainable.DefaultLayer);
        Assert.True(heatmap.allclose(mirroredMap.flip(2), atol: 1e-5), "the mirror's map is the mirrored map");
        Assert.True(heatmap.allclose(upsideDownMap.flip(1), atol: 1e-5), "the upside-down copy's map is the map upside down");
        Assert.False(heatmap.allclose(heatmap.flip(2), atol: 1e-2), "the map is not symmetric by construction");
    }

    [Fact]
    public void From_scratch_trains_the_small_convnet()
    {
        var config = Config("from-scratch", """{ "batchSize": 8, "phases": [ { "epochs": 2 } ] }""", """ "imageSize": { "width": 64, "height": 64 }, """);
        var result = new ExperimentRunner().Run(ExperimentConfigReader.Read(config));
        Assert.Equal("small-convnet", result.Record.Backbone.Name);
        Assert.Equal(6, result.Metrics.Test.Count);
        // 64 -> conv 62 -> pool 31 -> 29 -> 14 -> 12 -> 6 -> 4 -> 2: 128 x 2 x 2 features.
        Assert.Equal(512, MLNetTransfer.Backbones.OnnxModelInfo.Read(Path.Combine(result.Folder, "small-convnet.onnx")).Outputs.Single().LengthPerImage);
    }

    [Fact]
    public void From_scratch_with_batch_normalization_saves_the_statistics_it_learned_in_a_model_that_predicts_as_the_run_did()
    {
        var config = Config("from-scratch", """{ "batchSize": 8, "phases": [ { "epochs": 2 } ] }""",
            """ "imageSize": { "width": 64, "height": 64 }, "backbone": { "name": "small-convnet", "batchNormalization": true }, """);
        var result = new ExperimentRunner().Run(ExperimentConfigReader.Read(config));
        var recorded = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(result.Folder, "config.json"))).RootElement.GetProperty("backbone");
        Assert.True(recorded.GetProperty("batchNormalization").GetBoolean());

        using (var generated = MLNetTransfer.Backbones.Import.OnnxGraphModule.Load(Path.Combine(result.Folder, "small-convnet.onnx"), "image", "features"))
        {
            Assert.Equal(4, generated.Layers.Count(l => l.OpType == "BatchNormalization"));
            // Heat-maps show the last block after its normalization and ReLU, as without it.
            Assert.Equal("block4_relu", MLNetTransfer.Backbones.ExplainedLayer.Default(generated));
        }
        // The saved network carries the running statistics training moved away from their start (mean 0, variance 1),
        // not the generated ones.
        var saved = MLNetTransfer.Backbones.OnnxModelInfo.Parse(Path.Combine(result.Folder, "network.onnx")).Graph;
        var means = saved.Node.Where(n => n.OpType == "BatchNormalization")
            .Select(n => saved.Initializer.Single(i => i.Name == n.Input[3])).ToList();
        Assert.Equal(4, means.Count);
        Assert.All(means, m => Assert.Contains(MLNetTransfer.Backbones.Import.OnnxTensors.ToFloat(m), v => Math.Abs(v) > 1e-3));
        AssertSavedModelPredictsAsTheRun(result.Folder);
    }
}
