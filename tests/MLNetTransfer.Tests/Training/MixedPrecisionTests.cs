using Microsoft.ML;
using Microsoft.ML.Data;
using MLNetTransfer.Backbones;
using MLNetTransfer.Backbones.Import;
using MLNetTransfer.Core;
using MLNetTransfer.Data;
using MLNetTransfer.Pipelines;
using MLNetTransfer.Tests.Support;
using MLNetTransfer.Training;
using static TorchSharp.torch;

namespace MLNetTransfer.Tests.Training;

/// <summary>Mixed bfloat16: the imported ResNet18 computes nearly what float32 does, and float32 weights still learn.</summary>
public sealed class MixedPrecisionTests : IDisposable
{
    readonly TempFolder folder = new();
    readonly Backbone backbone = BundledBackbones.ResNet18();

    public MixedPrecisionTests() => TorchRuntime.EnsureStarted();

    public void Dispose() => folder.Dispose();

    // Four generated pets as the backbone's input, channels-last as the trainer feeds them.
    Tensor Images()
    {
        SyntheticPets.Generate(folder["pets"], 2, 224, seed: 4);
        var ml = new MLContext(1);
        var data = ml.Data.LoadFromEnumerable(ImageFolder.Scan(folder["pets"]).Images.Select(i => new ImageInput { ImagePath = i.Path }));
        var pixels = ml.Transforms.PrepareBackboneInput(backbone, "Pixels").Fit(data).Transform(data).GetColumn<float[]>("Pixels").ToList();
        return ChannelsLast.Of(tensor(pixels.SelectMany(p => p).ToArray(), [pixels.Count, 3, 224, 224]));
    }

    [Fact]
    public void Bfloat16_features_are_within_a_few_percent_of_float32_come_back_as_float32_and_train_float32_weights()
    {
        using var scope = NewDisposeScope();
        using var graph = OnnxGraphModule.Load(backbone.Model.Path);
        graph.eval();
        var images = Images();
        Tensor exact;
        using (no_grad()) exact = graph.forward(images);

        graph.ComputeType = ScalarType.BFloat16;
        graph.SetTrainable(graph.Layers.Select(l => l.Name).ToList());
        var mixed = graph.forward(images);
        Assert.Equal(ScalarType.Float32, mixed.dtype);
        var relative = ((mixed.detach() - exact).norm() / exact.norm()).item<float>();
        // bfloat16 keeps 8 bits of mantissa: the result must differ (it really computed in bfloat16), but only a little.
        Assert.InRange(relative, 1e-4, 0.03);

        mixed.sum().backward();
        var weights = graph.parameters().ToList();
        Assert.All(weights, w => Assert.Equal(ScalarType.Float32, w.dtype));
        Assert.All(weights, w => Assert.Equal(ScalarType.Float32, w.grad!.dtype));
        Assert.Contains(weights, w => w.grad!.abs().sum().item<float>() > 0);
    }

    [Fact]
    public void The_trainer_computes_in_the_chosen_precision_and_leaves_the_network_in_float32()
    {
        var images = Images();
        var labels = new long[] { 0, 0, 1, 1 };
        using var network = new TransferNetwork(OnnxGraphModule.Load(backbone.Model.Path), new ClassifierHead(512, [], 2, 0));
        using var store = ImageStore.FromTensor(images, labels);
        var seen = new List<ScalarType?>();
        var settings = new TrainingSettings
        {
            BatchSize = 4,
            Precision = TrainingPrecision.MixedBFloat16,
            Phases = [new TrainingPhase { Epochs = 2, Unfreeze = new FreezingPlan(TopStages: 1) }],
        };
        new TransferTrainingLoop(network, settings).Run(store, null, _ => seen.Add(network.Backbone.ComputeType));
        Assert.Equal([ScalarType.BFloat16, ScalarType.BFloat16], seen);
        Assert.Null(network.Backbone.ComputeType);

        seen.Clear();
        new TransferTrainingLoop(network, settings with { Precision = TrainingPrecision.Float32 }).Run(store, null, _ => seen.Add(network.Backbone.ComputeType));
        Assert.Equal([null, null], seen);
    }

    [Fact]
    public void Auto_becomes_a_definite_precision()
    {
        Assert.Contains(TrainingPrecision.Auto.Resolve(), new[] { TrainingPrecision.Float32, TrainingPrecision.MixedBFloat16 });
        Assert.Equal(TrainingPrecision.Float32, TrainingPrecision.Float32.Resolve());
        Assert.Equal(ScalarType.BFloat16, TrainingPrecision.MixedBFloat16.ComputeType());
        Assert.Null(TrainingPrecision.Float32.ComputeType());
    }
}
