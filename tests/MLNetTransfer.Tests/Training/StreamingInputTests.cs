using Microsoft.ML;
using Microsoft.ML.Data;
using MLNetTransfer.Backbones;
using MLNetTransfer.Backbones.Import;
using MLNetTransfer.Core;
using MLNetTransfer.Data;
using MLNetTransfer.Experiments;
using MLNetTransfer.Pipelines;
using MLNetTransfer.Tests.Support;
using MLNetTransfer.Training;
using static TorchSharp.torch;

namespace MLNetTransfer.Tests.Training;

/// <summary>Training images streamed from a store of decoded bytes, and the frozen layers' outputs kept within a memory budget.</summary>
public sealed class StreamingInputTests : IDisposable
{
    readonly TempFolder folder = new();
    readonly MLContext ml = new(seed: 1);
    readonly Backbone backbone = BundledBackbones.ResNet18();

    public StreamingInputTests() => TorchRuntime.EnsureStarted();

    public void Dispose() => folder.Dispose();

    (IDataView Pixels, long[] Labels) Images(int perClass)
    {
        SyntheticPets.Generate(folder["pets"], perClass, 96, seed: 9);
        var images = ImageFolder.Scan(folder["pets"]).Images;
        var data = ml.Data.LoadFromEnumerable(images.Select(i => new ImageInput { ImagePath = i.Path }));
        var pixels = ml.Transforms.ExtractBackbonePixels(backbone, "Pixels").Fit(data).Transform(data);
        return (pixels, images.Select(i => i.Label == "cat" ? 0L : 1L).ToArray());
    }

    static float[] Values(ImageStore store, int[] indices)
    {
        using var scope = NewDisposeScope();
        return store.Batches([indices]).Single().ToTensor().data<float>().ToArray();
    }

    [Fact]
    public void Stored_bytes_give_back_extract_pixels_values_exactly_in_a_quarter_of_the_space_and_a_kept_file_is_reused()
    {
        var (pixels, labels) = Images(3);
        var expected = pixels.GetColumn<float[]>("Pixels").ToList();
        var kept = folder["cache/train.images"];
        using (var store = ImageStore.Build(pixels, "Pixels", labels, [3, 224, 224], backbone.Scale, kept, null, default))
        {
            Assert.False(store.Reused);
            Assert.Equal(3 * 224 * 224, store.BytesPerImage);
            // In a shuffled order, across batches read ahead: each image is the column's row, to the last bit.
            int[] order = [4, 0, 5, 2];
            Assert.Equal(order.SelectMany(i => expected[i]).ToArray(), Values(store, order));
            store.WaitUntilDecoded();
        }
        using (var again = ImageStore.Build(pixels, "Pixels", labels, [3, 224, 224], backbone.Scale, kept, null, default))
        {
            Assert.True(again.Reused);
            Assert.Equal(expected[3], Values(again, [3]));
        }

        // A file cut short (a killed build) is not taken for a complete one.
        using (var stream = File.OpenWrite(kept)) stream.SetLength(stream.Length - 10);
        using (var rebuilt = ImageStore.Build(pixels, "Pixels", labels, [3, 224, 224], backbone.Scale, kept, null, default))
        {
            Assert.False(rebuilt.Reused);
            Assert.Equal(expected[5], Values(rebuilt, [5]));
        }
    }

    [Fact]
    public void Pixels_that_are_not_bytes_at_the_given_scale_are_refused_with_the_reason()
    {
        var (pixels, labels) = Images(1);
        using var store = ImageStore.Build(pixels, "Pixels", labels, [3, 224, 224], backbone.Scale * 0.5f, null, folder.Path, default);
        var error = Assert.Throws<InvalidOperationException>(() => Values(store, [0]));
        Assert.Contains("not a byte times the pixel scale", error.Message);
    }

    [Fact]
    public void Frozen_outputs_beyond_the_memory_budget_go_to_disk_say_so_once_and_train_the_same()
    {
        var (pixels, labels) = Images(10);
        using var store = ImageStore.Build(pixels, "Pixels", labels, [3, 224, 224], backbone.Scale, null, folder.Path, default);
        using var preprocessor = OnnxGraphModule.Load(backbone.Preprocessor!.Path, backbone.Preprocessor.InputName, backbone.Preprocessor.OutputName);
        (IReadOnlyList<EpochReport> History, List<string> Notices) Train(int budget, string? scratch = null)
        {
            manual_seed(3);
            using var network = new TransferNetwork(OnnxGraphModule.Load(backbone.Model.Path), new ClassifierHead(512, [], 2, 0));
            var settings = new TrainingSettings
            {
                BatchSize = 1,
                MemoryBudgetMB = budget,
                Phases = [new TrainingPhase { Epochs = 1, Unfreeze = new FreezingPlan(TopStages: 1) }, new TrainingPhase { Epochs = 1, Unfreeze = new FreezingPlan(TopStages: 1) }],
            };
            var notices = new List<string>();
            var history = new TransferTrainingLoop(network, settings, preprocessor: preprocessor, scratchFolder: scratch ?? folder.Path).Run(store, store, onNotice: notices.Add);
            return (history, notices);
        }

        // 20 images of the top stage's input, 256 x 14 x 14 in bfloat16, take 1.9 MB: over a 2 MB budget with the validation set.
        var inMemory = Train(512);
        var onDisk = Train(2);
        Assert.Empty(inMemory.Notices);
        var notice = Assert.Single(onDisk.Notices);
        Assert.Contains("training.memoryBudgetMB = 2", notice);
        Assert.Contains("kept on disk", notice);
        Assert.Equal(inMemory.History.Select(e => (e.TrainLoss, e.ValidationLoss)), onDisk.History.Select(e => (e.TrainLoss, e.ValidationLoss)));
        Assert.Empty(Directory.GetFiles(folder.Path, ".frozen-*"));

        // Where no file can be written (here the scratch folder is a file), the frozen layers run again for every batch.
        var recomputed = Train(2, folder.Write("not-a-folder", ""));
        notice = Assert.Single(recomputed.Notices);
        Assert.Contains("recomputed for every batch", notice);
        // Recomputed outputs are float32, not the stored bfloat16: the same training within rounding.
        Assert.All(inMemory.History.Zip(recomputed.History), pair => Assert.Equal(pair.First.ValidationLoss!.Value, pair.Second.ValidationLoss!.Value, 2));

        var tooSmall = Assert.Throws<ArgumentOutOfRangeException>(() => Train(1));
        Assert.Equal(nameof(TrainingSettings.MemoryBudgetMB), tooSmall.ParamName);
        Assert.Contains("needs at least 2", tooSmall.Message);
    }

    [Fact]
    public void A_run_keeps_its_decoded_images_for_the_next_run_and_decodes_a_set_again_when_one_of_its_files_changes()
    {
        var config = Configs.Synthetic(folder, imagesPerClass: 10, head: null,
            extra: """ "mode": "frozen-base", "classifier": { "hiddenUnits": [8] }, "training": { "batchSize": 4, "phases": [ { "epochs": 1 } ] }, """);
        var definition = ExperimentConfigReader.Read(config);
        var first = new ExperimentRunner().Run(definition);
        var store = folder["runs/" + ExperimentRunner.FeatureStoreFolder];
        Dictionary<string, DateTime> Kept() => Directory.GetFiles(store, "*.images").ToDictionary(f => f, File.GetLastWriteTimeUtc);
        var kept = Kept();
        Assert.Equal(2, kept.Count); // the training and the validation images

        var second = new ExperimentRunner().Run(definition);
        Assert.Equal(kept, Kept());
        Assert.Equal(first.Metrics.Test.LogLoss, second.Metrics.Test.LogLoss);

        // A training photo replaced by another: its set decodes again, the validation set's file still serves.
        using var files = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(first.Folder, RunFolder.DatasetFile)));
        var train = files.RootElement.GetProperty("train").EnumerateArray().Select(i => i.GetProperty("path").GetString()!).ToList();
        File.Copy(train[1], train[0], overwrite: true);
        File.SetLastWriteTimeUtc(train[0], DateTime.UtcNow.AddMinutes(1));
        new ExperimentRunner().Run(definition);
        var after = Kept();
        Assert.Equal(3, after.Count);
        Assert.Single(kept.Keys.Except(after.Keys).Concat(after.Keys.Except(kept.Keys)));
    }

    [Fact]
    public void A_training_photo_that_turns_corrupt_after_the_scan_is_skipped_and_listed_while_the_run_goes_on()
    {
        var config = Configs.Synthetic(folder, imagesPerClass: 10, head: null,
            extra: """ "mode": "frozen-base", "classifier": { "hiddenUnits": [8] }, "training": { "batchSize": 4, "phases": [ { "epochs": 2 } ] }, """);
        string? broken = null;
        var runner = new ExperimentRunner(new ImmediateProgress<RunProgress>(p =>
        {
            if (broken is not null || !p.Step.StartsWith("Preparing images", StringComparison.Ordinal)) return;
            // The scan has passed every file; training has not read any yet.
            var run = Directory.GetDirectories(folder["runs/synthetic-test"]).Single();
            using var files = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(run, RunFolder.DatasetFile)));
            broken = files.RootElement.GetProperty("train")[2].GetProperty("path").GetString()!;
            File.WriteAllText(broken, "hello");
        }));
        var result = runner.Run(ExperimentConfigReader.Read(config));

        Assert.Equal(RunRecord.Completed, result.Record.Status);
        var skipped = Assert.Single(result.Record.Dataset.Skipped);
        Assert.Equal(Path.GetFullPath(broken!), Path.GetFullPath(skipped.Path));
        Assert.Contains("could not be decoded after the scan", skipped.Reason);
        Assert.Contains(System.Text.Json.JsonEncodedText.Encode(skipped.Path).ToString(), File.ReadAllText(Path.Combine(result.Folder, RunFolder.RunFile)));
        Assert.Equal(3, File.ReadAllLines(Path.Combine(result.Folder, RunFolder.HistoryFile)).Length);
    }

    [Fact]
    public void A_memory_budget_that_cannot_hold_the_batches_in_flight_is_refused_with_the_field_and_the_size_it_needs()
    {
        var config = Configs.Synthetic(folder, imagesPerClass: 10, head: null,
            extra: """ "mode": "frozen-base", "training": { "batchSize": 32, "memoryBudgetMB": 10, "phases": [ { "epochs": 1 } ] }, """);
        var error = Assert.Throws<ConfigException>(() => new ExperimentRunner().Run(ExperimentConfigReader.Read(config)));
        Assert.Equal("training.memoryBudgetMB", error.Field);
        // Three batches of 32 float32 images of 3 x 224 x 224.
        Assert.Contains("needs at least 56", error.Message);
    }
}
