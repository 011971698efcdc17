using System.Text.Json;
using Microsoft.ML;
using MLNetTransfer.Core;
using MLNetTransfer.Evaluation;
using MLNetTransfer.Experiments;
using MLNetTransfer.Tests.Support;

namespace MLNetTransfer.Tests.Experiments;

public sealed class ExperimentRunTests : IDisposable
{
    readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    [Fact]
    public void A_run_writes_every_file_of_its_folder_and_the_same_config_twice_gives_the_same_metrics()
    {
        var definition = Configs.Read(Configs.Synthetic(folder));
        var reports = new List<RunProgress>();
        var first = new ExperimentRunner(new ImmediateProgress<RunProgress>(reports.Add)).Run(definition);
        var second = new ExperimentRunner().Run(definition);

        Assert.NotEqual(first.Folder, second.Folder);
        Assert.StartsWith(folder["runs/synthetic-test"], first.Folder);
        foreach (var file in new[] { "config.json", "run.json", "dataset.json", "metrics.json", "predictions.csv", "model.zip", "ResNet18.onnx", "ResNetPreprocess.onnx" })
            Assert.True(File.Exists(Path.Combine(first.Folder, file)), $"{file} missing from the run folder");
        Assert.Empty(Directory.GetFiles(first.Folder, "*.partial"));

        Assert.Equal(File.ReadAllText(Path.Combine(first.Folder, "metrics.json")), File.ReadAllText(Path.Combine(second.Folder, "metrics.json")));
        Assert.Equal(File.ReadAllText(Path.Combine(first.Folder, "predictions.csv")), File.ReadAllText(Path.Combine(second.Folder, "predictions.csv")));
        Assert.Equal(first.Record.Dataset.Fingerprint, second.Record.Dataset.Fingerprint);

        var run = JsonDocument.Parse(File.ReadAllText(Path.Combine(first.Folder, "run.json"))).RootElement;
        Assert.Equal("completed", run.GetProperty("status").GetString());
        Assert.Equal(7, run.GetProperty("seed").GetInt32());
        Assert.Equal("5.0.1", run.GetProperty("versions").GetProperty("Microsoft.ML").GetString());
        Assert.Equal(6, run.GetProperty("dataset").GetProperty("counts").GetProperty("train").GetProperty("cat").GetInt32());

        // The generated dataset, the split and progress: 12 per class at 0.5/0.25/0.25.
        Assert.Equal(6, first.Metrics.Test.Count);
        Assert.Contains(reports, r => r.Step.StartsWith("Generating", StringComparison.Ordinal) && r.Done == 24 && r.Total == 24);
        Assert.Contains(reports, r => r.Step.StartsWith("Extracting", StringComparison.Ordinal) && r.Done == 12 && r.Total == 12);

        var predictions = File.ReadAllLines(Path.Combine(first.Folder, "predictions.csv"));
        Assert.Equal("file,label,predicted_label,score_cat,score_dog", predictions[0]);
        Assert.Equal(7, predictions.Length);
    }

    [Fact]
    public void The_saved_model_scores_an_image_path_alone_in_a_fresh_context_also_when_a_rerun_took_its_featurizer_from_the_store()
    {
        var first = new ExperimentRunner().Run(Configs.Read(Configs.Synthetic(folder)));
        Assert.Single(Directory.GetFiles(folder["runs/.feature-cache"], "*.model.zip"));
        // Another head on the stored features: its model.zip is the stored featurizer's entries and this head's.
        var rerun = new ExperimentRunner().Run(Configs.Read(Configs.Synthetic(folder, head: """{ "trainer": "lbfgs-maximum-entropy", "l2Regularization": 0.001 }""")));
        Assert.NotEqual(File.ReadAllText(Path.Combine(first.Folder, "predictions.csv")), File.ReadAllText(Path.Combine(rerun.Folder, "predictions.csv")));

        foreach (var result in new[] { first, rerun })
        {
            var expected = File.ReadAllLines(Path.Combine(result.Folder, "predictions.csv")).Skip(1).Select(l => l.Split(',')).ToList();
            var ml = new MLContext();
            var model = ml.Model.Load(Path.Combine(result.Folder, "model.zip"), out var inputSchema);
            Assert.Equal(["ImagePath"], inputSchema.Select(c => c.Name));
            var engine = ml.Model.CreatePredictionEngine<AppInput, AppOutput>(model);
            foreach (var row in expected)
            {
                var output = engine.Predict(new AppInput { ImagePath = row[0] });
                Assert.Equal(row[2], output.PredictedLabel);
                Assert.Equal(float.Parse(row[3], System.Globalization.CultureInfo.InvariantCulture), output.Score[0], 5);
            }
        }
    }

    [Fact]
    public void Each_head_trainer_trains_and_scores_every_test_image()
    {
        foreach (var head in new[] { """{ "trainer": "sdca-maximum-entropy", "maximumIterations": 20 }""", """{ "trainer": "light-gbm", "numberOfIterations": 5, "minimumExampleCountPerLeaf": 2 }""" })
        {
            var result = new ExperimentRunner().Run(Configs.Read(Configs.Synthetic(folder, head: head)));
            Assert.Equal(6, result.Metrics.Test.Count);
            Assert.Equal(6, result.Metrics.Test.ConfusionMatrix.Sum(row => row.Sum()));
        }
    }

    [Fact]
    public void Feature_extraction_can_cache_augmented_copies_of_the_training_images()
    {
        var reports = new List<RunProgress>();
        var config = Configs.Synthetic(folder, head: """{ "trainer": "lbfgs-maximum-entropy", "augmentedCopies": 2 }""",
            extra: """ "augmentation": { "rotationRange": 20, "horizontalFlip": true }, """);
        var result = new ExperimentRunner(new ImmediateProgress<RunProgress>(reports.Add)).Run(Configs.Read(config));
        Assert.Equal(6, result.Metrics.Test.Count);
        Assert.Contains(reports, r => r.Step == "Extracting features of 2 augmented copies" && r.Done == 24 && r.Total == 24);
    }

    [Fact]
    public void A_run_that_changes_only_the_head_reads_the_stored_features_and_a_changed_image_is_featurized_again()
    {
        List<RunProgress> Run(string head, string extra = "")
        {
            var reports = new List<RunProgress>();
            new ExperimentRunner(new ImmediateProgress<RunProgress>(reports.Add)).Run(Configs.Read(Configs.Synthetic(folder, head: head, extra: extra)));
            return reports;
        }
        bool Featurized(List<RunProgress> reports, string step) => reports.Any(r => r.Step == step && r.Done > 0);
        const string plain = "Extracting backbone features (train)";

        Assert.True(Featurized(Run("""{ "trainer": "lbfgs-maximum-entropy" }"""), plain));
        Assert.Equal(3, Directory.GetFiles(folder["runs/.feature-cache"], "*.features").Length); // train, validation, test
        Assert.False(Featurized(Run("""{ "trainer": "sdca-maximum-entropy", "maximumIterations": 20 }"""), plain));

        // Augmented copies depend on the augmentation: a new setting computes them, the plain features are reused.
        const string augmented = "Extracting features of 2 augmented copies";
        var head = """{ "trainer": "lbfgs-maximum-entropy", "augmentedCopies": 2 }""";
        var first = Run(head, """ "augmentation": { "rotationRange": 20 }, """);
        Assert.False(Featurized(first, plain));
        Assert.True(Featurized(first, augmented));
        Assert.False(Featurized(Run(head, """ "augmentation": { "rotationRange": 20 }, """), augmented));
        Assert.True(Featurized(Run(head, """ "augmentation": { "rotationRange": 10 }, """), augmented));

        // A damaged store file is computed and written again.
        foreach (var stored in Directory.GetFiles(folder["runs/.feature-cache"], "*.features")) File.WriteAllBytes(stored, [1, 2, 3]);
        Assert.True(Featurized(Run("""{ "trainer": "lbfgs-maximum-entropy" }"""), plain));
        Assert.False(Featurized(Run("""{ "trainer": "lbfgs-maximum-entropy" }"""), plain));

        // Training images that changed since are featurized again.
        foreach (var image in Directory.GetFiles(folder["data/synthetic/cat"])) File.SetLastWriteTimeUtc(image, DateTime.UtcNow.AddMinutes(1));
        Assert.True(Featurized(Run("""{ "trainer": "lbfgs-maximum-entropy" }"""), plain));
    }

    [Fact]
    public void Separate_train_validation_and_test_folders_are_used_as_they_are()
    {
        MLNetTransfer.Data.SyntheticPets.Generate(folder["all"], 9, 96, seed: 4);
        foreach (var label in new[] { "cat", "dog" })
        {
            var files = Directory.GetFiles(folder[$"all/{label}"]).Order().ToArray();
            foreach (var (set, range) in new[] { ("train", 0..5), ("validation", 5..7), ("test", 7..9) })
            {
                Directory.CreateDirectory(folder[$"{set}/{label}"]);
                foreach (var file in files[range]) File.Copy(file, folder[$"{set}/{label}/{Path.GetFileName(file)}"]);
            }
        }
        var config = folder.Write("separate.json", """
            { "name": "separate", "dataset": { "train": "train", "validation": "validation", "test": "test" }, "output": "runs" }
            """);
        var result = new ExperimentRunner().Run(Configs.Read(config));
        Assert.Equal(4, result.Metrics.Test.Count);
        Assert.Equal(4, result.Metrics.Validation!.Count);
        Assert.Equal(10, result.Record.Dataset.Counts["train"].Values.Sum());
        Assert.All(File.ReadAllLines(Path.Combine(result.Folder, "predictions.csv")).Skip(1), line => Assert.Contains(folder["test"], line));
    }

    // What an application that knows nothing of this project would declare.
    public sealed class AppInput
    {
        public string ImagePath { get; set; } = "";
    }

    public sealed class AppOutput
    {
        public string PredictedLabel { get; set; } = "";
        public float[] Score { get; set; } = [];
    }
}
