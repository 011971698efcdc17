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
        (IReadOnlyList<EpochReport> History, List<string> Notices) Train(int budget)
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
            var history = new TransferTrainingLoop(network, settings, preprocessor, folder.Path).Run(store, store, onNotice: notices.Add);
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
}
