using MLNetTransfer.Backbones.Import;
using MLNetTransfer.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace MLNetTransfer.Cli.Benchmarks;

/// <summary>
/// Fine-tuning every layer: the framework's training loop on the imported backbone against a bare TorchSharp loop on
/// TorchVision's resnet18, same batch size, same optimizer (Adam), same loss.
/// </summary>
public static class TrainingBench
{
    public static IReadOnlyList<Measurement> Run(string backbonePath, Tensor inputs, int batchSize, double seconds, double limit)
    {
        var count = (int)inputs.shape[0];
        var labels = Enumerable.Range(0, count).Select(i => (long)(i % 2)).ToArray();

        // The framework: the measured unit is an epoch over the images, timed by the loop itself.
        using var graph = OnnxGraphModule.Load(backbonePath);
        using var network = new TransferNetwork(graph, new ClassifierHead(512, [], 2, 0));
        var epochs = new List<double>();
        var settings = new TrainingSettings
        {
            BatchSize = batchSize,
            Phases = [new TrainingPhase { Name = "fine-tune", Epochs = 1, Unfreeze = FreezingPlan.Everything }],
        };
        var (_, frameworkMemory) = Timing.Median(() =>
        {
            var history = new TransferTrainingLoop(network, settings).Run(new LabeledTensors(inputs, labels), null);
            epochs.Add(history[^1].Seconds);
        }, seconds);
        var framework = count / Median(epochs.Skip(1).ToList());

        using var reference = torchvision.models.resnet18(num_classes: 2);
        reference.train();
        using var optimizer = optim.Adam(reference.parameters(), 1e-3);
        using var targets = tensor(labels);
        var (bareTime, bareMemory) = Timing.Median(() =>
        {
            for (var start = 0; start < count; start += batchSize)
            {
                using var scope = NewDisposeScope();
                var length = Math.Min(batchSize, count - start);
                var loss = nn.functional.cross_entropy(reference.forward(inputs.narrow(0, start, length)), targets.narrow(0, start, length));
                optimizer.zero_grad();
                loss.backward();
                optimizer.step();
            }
        }, seconds);
        var bare = count / bareTime;
        return
        [
            new("fine-tuning step, bare TorchSharp (TorchVision resnet18)", bare, "images/s", bareMemory),
            new("fine-tuning step, framework (imported ResNet18)", framework, "images/s", frameworkMemory,
                new Dictionary<string, double> { ["bare TorchSharp"] = bare, ["arithmetic limit"] = limit }),
        ];
    }

    static double Median(List<double> values)
    {
        values.Sort();
        return values[values.Count / 2];
    }
}
