using Microsoft.ML;
using Microsoft.ML.Data;
using MLNetTransfer.Backbones;
using MLNetTransfer.Backbones.Export;
using MLNetTransfer.Backbones.Import;
using MLNetTransfer.Core;
using MLNetTransfer.Data;
using MLNetTransfer.Pipelines;
using MLNetTransfer.Tests.Support;
using MLNetTransfer.Training;
using static TorchSharp.torch;

namespace MLNetTransfer.Tests.Training;

/// <summary>Training through the imported ResNet18 on a few generated images.</summary>
public sealed class TransferTrainingTests : IDisposable
{
    readonly TempFolder folder = new();
    readonly MLContext ml = new(seed: 1);
    readonly Backbone backbone = BundledBackbones.ResNet18();
    readonly List<LabeledImage> images;

    public TransferTrainingTests()
    {
        TorchRuntime.EnsureStarted();
        SyntheticPets.Generate(folder["pets"], 8, 96, seed: 9);
        images = [.. ImageFolder.Scan(folder["pets"]).Images];
    }

    public void Dispose() => folder.Dispose();

    IDataView Prepared(IEnumerable<LabeledImage> rows)
    {
        var data = ml.Data.LoadFromEnumerable(rows.Select(i => new Row { ImagePath = i.Path, Label = i.Label }));
        var keys = ml.Data.LoadFromEnumerable(new[] { "cat", "dog" }.Select(c => new Row { Label = c }));
        return ml.Transforms.PrepareBackboneInput(backbone, "Pixels")
            .Append(ml.Transforms.Conversion.MapValueToKey("LabelKey", "Label", keyData: ml.Transforms.SelectColumns("Label").Fit(keys).Transform(keys)))
            .Fit(data).Transform(data);
    }

    static ImageStore Store(IDataView data)
    {
        var pixels = data.GetColumn<float[]>("Pixels").SelectMany(p => p).ToArray();
        var labels = data.GetColumn<uint>("LabelKey").Select(k => (long)k - 1).ToArray();
        return ImageStore.FromTensor(tensor(pixels, [labels.Length, 3, 224, 224]), labels);
    }

    [Fact]
    public void Fine_tuning_the_top_stage_changes_only_its_weights_and_statistics_and_the_head()
    {
        using var graph = OnnxGraphModule.Load(backbone.Model.Path);
        var stages = BackboneStages.Find(graph);
        var top = stages[^1].Layers.ToHashSet();
        var topParameters = graph.Layers.Where(l => top.Contains(l.Name)).SelectMany(l => l.Parameters).Select(p => graph.StateNames[p]).ToHashSet();
        var topBatchNorm = graph.Layers.First(l => top.Contains(l.Name) && l.OpType == "BatchNormalization");
        var frozenBatchNorm = graph.Layers.First(l => !top.Contains(l.Name) && l.OpType == "BatchNormalization");

        manual_seed(3);
        using var network = new TransferNetwork(graph, new ClassifierHead(512, [], 2, 0));
        var before = network.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.detach().clone());
        var settings = new TrainingSettings { BatchSize = 4, Phases = [new TrainingPhase { Epochs = 1, Unfreeze = new FreezingPlan(TopStages: 1), LearningRate = 1e-3 }] };
        using var store = Store(Prepared(images));
        var history = new TransferTrainingLoop(network, settings, seed: 5).Run(store, null);
        Assert.Single(history);

        var after = network.state_dict();
        bool Changed(string key) => !before[key].equal(after[key]).all().item<bool>();
        Assert.True(Changed("head.output.weight"));
        foreach (var (name, _) in graph.named_parameters())
            Assert.Equal(topParameters.Contains(name), Changed("backbone." + name));
        // Trained BatchNormalization updates its running statistics; frozen ones stay in inference mode.
        Assert.True(Changed("backbone." + graph.StateNames[topBatchNorm.Inputs[3]]));
        Assert.False(Changed("backbone." + graph.StateNames[frozenBatchNorm.Inputs[3]]));

        // The exported ONNX network, run by ONNX Runtime, gives the trained TorchSharp network's probabilities.
        NetworkExport.Write(graph, network.Head.DenseLayers, folder["trained.onnx"], [1, 512, 1, 1]);
        var pixels = Prepared(images.Take(1)).GetColumn<float[]>("Pixels").Single();
        var exported = OnnxRuntimeRunner.Run(folder["trained.onnx"], "Input247", pixels, [1, 3, 224, 224], NetworkExport.ProbabilitiesName);
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        network.eval();
        var trained = nn.functional.softmax(network.forward(tensor(pixels, [1, 3, 224, 224])), 1).data<float>().ToArray();
        Assert.True(exported.Zip(trained, (a, b) => Math.Abs(a - b)).Max() <= 1e-4, $"export differs: {string.Join(",", exported)} vs {string.Join(",", trained)}");

        // Test-time augmentation: the exported mean over the image and its flipped copies, against TorchSharp on every view.
        var image = tensor(pixels, [1, 3, 224, 224]);
        foreach (var (flips, flipped) in new[]
                 {
                     (TestTimeAugmentation.HorizontalFlip, new[] { image, image.flip(3) }),
                     (TestTimeAugmentation.Flips, new[] { image, image.flip(3), image.flip(2), image.flip(2, 3) }),
                 })
        {
            NetworkExport.Write(graph, network.Head.DenseLayers, folder["tta.onnx"], [1, 512, 1, 1], flips);
            var averaged = OnnxRuntimeRunner.Run(folder["tta.onnx"], "Input247", pixels, [1, 3, 224, 224], NetworkExport.ProbabilitiesName);
            var views = nn.functional.softmax(network.forward(cat(flipped, 0)), 1).mean([0]).data<float>().ToArray();
            Assert.True(averaged.Zip(views, (a, b) => Math.Abs(a - b)).Max() <= 1e-4, $"{flips}: averaged export differs: {string.Join(",", averaged)} vs {string.Join(",", views)}");
            var logits = OnnxRuntimeRunner.Run(folder["tta.onnx"], "Input247", pixels, [1, 3, 224, 224], NetworkExport.LogitsName);
            Assert.Equal(Math.Log(averaged[0]), logits[0], 4);
            Assert.Equal(flips, NetworkExport.Flips(MLNetTransfer.Backbones.OnnxModelInfo.Parse(folder["tta.onnx"])));
        }
    }

    [Fact]
    public void The_estimator_trains_exports_a_network_that_matches_torchsharp_and_scores_in_a_fresh_context()
    {
        var train = Prepared(images.Where((_, i) => i % 4 != 0));
        var validation = Prepared(images.Where((_, i) => i % 4 == 0));
        var epochs = new List<EpochReport>();
        var trainer = ml.MulticlassClassification.Trainers.TransferLearning(ml, new TransferLearningTrainer.Options
        {
            LabelColumnName = "LabelKey",
            Backbone = backbone.Model,
            HiddenUnits = [16],
            Dropout = 0.2,
            ValidationSet = validation,
            ModelFolder = folder["model"],
            CheckpointFolder = folder["checkpoint"],
            Training = new TrainingSettings
            {
                BatchSize = 4,
                Phases = [new TrainingPhase { Name = "head", Epochs = 3, LearningRate = 3e-3 }, new TrainingPhase { Name = "top", Epochs = 1, Unfreeze = new FreezingPlan(TopStages: 1), LearningRate = 1e-4, Optimizer = OptimizerKind.Sgd }],
            },
        });
        var model = trainer.Fit(train, epochs.Add);

        Assert.Equal(["head", "head", "head", "top"], epochs.Select(e => e.Phase));
        Assert.Equal([1, 2, 3, 4], epochs.Select(e => e.Epoch));
        Assert.All(epochs, e => Assert.NotNull(e.ValidationAccuracy));
        Assert.True(epochs[2].TrainLoss < epochs[0].TrainLoss, "training loss falls over the head phase");
        Assert.True(File.Exists(folder["checkpoint/state.json"]));

        // ONNX Runtime on the exported network against TorchSharp on the same network, rebuilt from the export.
        var network = folder["model/network.onnx"];
        var pixels = validation.GetColumn<float[]>("Pixels").First();
        var reference = OnnxRuntimeRunner.Run(network, "Input247", pixels, [1, 3, 224, 224], NetworkExport.ProbabilitiesName);
        using (var scope = NewDisposeScope())
        using (var imported = OnnxGraphModule.Load(network, outputName: NetworkExport.ProbabilitiesName))
        using (no_grad())
        {
            imported.eval();
            var torchProbabilities = imported.forward(tensor(pixels, [1, 3, 224, 224])).data<float>().ToArray();
            Assert.True(reference.Zip(torchProbabilities, (a, b) => Math.Abs(a - b)).Max() <= 1e-4);
        }

        // The ML.NET model (logits through ApplyOnnxModel, then Score and PredictedLabel) saved and reloaded.
        var scored = model.Transform(validation);
        var score = scored.GetColumn<float[]>("Score").First();
        Assert.Equal(reference[0], score[0], 4);
        var chain = new TransformerChain<ITransformer>(model, ml.Transforms.Conversion.MapKeyToValue("PredictedLabel").Fit(scored));
        ml.Model.Save(chain, validation.Schema, folder["model.zip"]);
        var fresh = new MLContext();
        var loaded = fresh.Model.Load(folder["model.zip"], out _);
        var predicted = loaded.Transform(validation).GetColumn<string>("PredictedLabel").ToList();
        Assert.Equal(validation.GetColumn<uint>("LabelKey").Count(), predicted.Count);
        Assert.All(predicted, p => Assert.Contains(p, new[] { "cat", "dog" }));
        Assert.Equal(reference[1] > reference[0] ? "dog" : "cat", predicted[0]);
    }

    sealed class Row
    {
        public string ImagePath { get; set; } = "";
        public string Label { get; set; } = "";
    }
}
