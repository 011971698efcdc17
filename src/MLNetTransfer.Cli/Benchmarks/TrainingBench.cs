using MLNetTransfer.Backbones.Import;
using MLNetTransfer.Pipelines.Augmentation;
using MLNetTransfer.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace MLNetTransfer.Cli.Benchmarks;

/// <summary>
/// Fine-tuning every layer, same batch size, optimizer (Adam) and loss: the framework's training loop on the imported
/// backbone, a bare loop on the same imported network (the loop's own cost), and a bare loop on TorchVision's resnet18
/// (the import's cost; note the CNTK ResNet18 does more arithmetic per image than TorchVision's), as a user writes it
/// and with the channels-last batches the framework uses. And the cost of
/// augmenting a batch, against the step it precedes.
/// </summary>
public static class TrainingBench
{
    /// <param name="backbonePath">The imported backbone.</param>
    /// <param name="inputs">Prepared images [N, 3, H, W].</param>
    /// <param name="batchSize">Images per step.</param>
    /// <param name="seconds">Time per measurement.</param>
    /// <param name="limit">The arithmetic limit for training the imported backbone, images/s.</param>
    public static IReadOnlyList<Measurement> Run(string backbonePath, Tensor inputs, int batchSize, double seconds, double limit)
    {
        var count = (int)inputs.shape[0];
        var labels = Enumerable.Range(0, count).Select(i => (long)(i % 2)).ToArray();
        using var targets = tensor(labels);

        // The framework: the measured unit is an epoch over the images, timed by the loop itself.
        using var network = new TransferNetwork(OnnxGraphModule.Load(backbonePath), new ClassifierHead(512, [], 2, 0));
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
        epochs.Sort();
        var framework = count / epochs[epochs.Count / 2];

        var (sameTime, sameMemory) = BareLoop(network, inputs, targets, batchSize, seconds);
        using var reference = torchvision.models.resnet18(num_classes: 2);
        var (referenceTime, referenceMemory) = BareLoop(reference, inputs, targets, batchSize, seconds);
        // The framework feeds its network channels-last batches; the same trick in the bare TorchVision loop, for a fair reading.
        using var referenceChannelsLast = torchvision.models.resnet18(num_classes: 2);
        var (channelsLastTime, channelsLastMemory) = BareLoop(referenceChannelsLast, inputs, targets, batchSize, seconds, ChannelsLast.Of);
        var (same, torchVision, torchVisionChannelsLast) = (count / sameTime, count / referenceTime, count / channelsLastTime);

        // Augmenting one batch with every geometric and photometric change on, as the trainer does before each step.
        var augmenter = new ImageAugmenter(new AugmentationOptions
        {
            RotationRange = 40, WidthShiftRange = 0.2, HeightShiftRange = 0.2, ShearRange = 20, ZoomRange = 0.2,
            HorizontalFlip = true, BrightnessRange = [0.8, 1.2], ContrastRange = [0.8, 1.2],
        }, seed: 1);
        var batch = inputs.narrow(0, 0, Math.Min(batchSize, count));
        var indices = Enumerable.Range(0, (int)batch.shape[0]).ToArray();
        var epoch = 0;
        var (augmentTime, augmentMemory) = Timing.Median(() =>
        {
            using var scope = NewDisposeScope();
            augmenter.Apply(batch, epoch++, indices);
        }, seconds);
        return
        [
            new("augmentation of a batch (every change on)", batch.shape[0] / augmentTime, "images/s", augmentMemory,
                new Dictionary<string, double> { ["fine-tuning step, framework (target: 5x or more)"] = framework }),
            new("fine-tuning step, bare TorchSharp loop, TorchVision resnet18", torchVision, "images/s", referenceMemory),
            new("fine-tuning step, bare TorchSharp loop, TorchVision resnet18, channels-last batches", torchVisionChannelsLast, "images/s", channelsLastMemory),
            new("fine-tuning step, bare TorchSharp loop, imported ResNet18", same, "images/s", sameMemory,
                new Dictionary<string, double> { ["TorchVision resnet18"] = torchVision }),
            new("fine-tuning step, framework trainer", framework, "images/s", frameworkMemory,
                new Dictionary<string, double>
                {
                    ["bare loop, same network"] = same, ["TorchVision resnet18"] = torchVision,
                    ["TorchVision resnet18, channels-last batches"] = torchVisionChannelsLast, ["arithmetic limit"] = limit,
                }),
        ];
    }

    // The least a training loop does: forward, loss, backward, Adam step, batch after batch.
    static (double Seconds, double PeakMegabytes) BareLoop(nn.Module<Tensor, Tensor> model, Tensor inputs, Tensor targets, int batchSize, double seconds,
        Func<Tensor, Tensor>? layout = null)
    {
        model.train();
        foreach (var parameter in model.parameters()) parameter.requires_grad = true;
        using var optimizer = optim.Adam(model.parameters(), 1e-3);
        var count = inputs.shape[0];
        return Timing.Median(() =>
        {
            for (long start = 0; start < count; start += batchSize)
            {
                using var scope = NewDisposeScope();
                var length = Math.Min(batchSize, count - start);
                var batch = inputs.narrow(0, start, length);
                var loss = nn.functional.cross_entropy(model.forward(layout?.Invoke(batch) ?? batch), targets.narrow(0, start, length));
                optimizer.zero_grad();
                loss.backward();
                optimizer.step();
            }
        }, seconds);
    }
}
