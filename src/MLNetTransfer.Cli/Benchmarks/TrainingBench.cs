using MLNetTransfer.Backbones.Import;
using MLNetTransfer.Pipelines.Augmentation;
using MLNetTransfer.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace MLNetTransfer.Cli.Benchmarks;

/// <summary>
/// Fine-tuning every layer, same batch size, optimizer (Adam) and loss: the framework's training loop on the imported
/// backbone in its default precision and in float32, a bare float32 loop on the same imported network (the loop's own
/// cost), and a bare float32 loop on TorchVision's resnet18 (the import's cost; note the CNTK ResNet18 does more
/// arithmetic per image than TorchVision's), as a user writes it and with the channels-last batches the framework uses.
/// And the cost of augmenting a batch, against the step it precedes.
/// </summary>
public static class TrainingBench
{
    /// <param name="backbonePath">The imported backbone.</param>
    /// <param name="inputs">Prepared images [N, 3, H, W].</param>
    /// <param name="batchSize">Images per step.</param>
    /// <param name="seconds">Time per measurement.</param>
    /// <param name="precision">The trainer's default precision on this CPU, resolved; not float32 adds a float32 run of the trainer.</param>
    /// <param name="limit">The float32 arithmetic limit for training the imported backbone, images/s.</param>
    /// <param name="defaultLimit">The same in <paramref name="precision"/>.</param>
    public static IReadOnlyList<Measurement> Run(string backbonePath, Tensor inputs, int batchSize, double seconds, TrainingPrecision precision, double limit, double defaultLimit)
    {
        var count = (int)inputs.shape[0];
        var labels = Enumerable.Range(0, count).Select(i => (long)(i % 2)).ToArray();
        using var targets = tensor(labels);

        // The framework: the measured unit is an epoch over the images, timed by the loop itself.
        using var network = new TransferNetwork(OnnxGraphModule.Load(backbonePath), new ClassifierHead(512, [], 2, 0));
        var settings = new TrainingSettings
        {
            BatchSize = batchSize,
            Phases = [new TrainingPhase { Name = "fine-tune", Epochs = 1, Unfreeze = FreezingPlan.Everything }],
            Precision = precision,
        };
        var (epochs, float32Epochs) = (new List<double>(), new List<double>());
        // The framework streams its images from a store, as it does in a run.
        using var store = ImageStore.FromTensor(inputs, labels);
        void Framework(TrainingSettings chosen, List<double> seconds) =>
            seconds.Add(new TransferTrainingLoop(network, chosen).Run(store, null)[^1].Seconds);
        using var sameNetwork = new BareLoop(network, inputs, targets, batchSize);
        using var resnet18 = torchvision.models.resnet18(num_classes: 2);
        using var torchVision = new BareLoop(resnet18, inputs, targets, batchSize);
        // The framework feeds its network channels-last batches; the same trick in the bare TorchVision loop, for a fair reading.
        using var otherResnet18 = torchvision.models.resnet18(num_classes: 2);
        using var torchVisionChannelsLast = new BareLoop(otherResnet18, inputs, targets, batchSize, ChannelsLast.Of);
        // In turn, epoch by epoch: the ratios then hold even while this shared machine's speed drifts.
        // Its default precision (mixed bfloat16 on a CPU that has it), and float32 like the bare loops.
        List<Action> loops = [() => Framework(settings, epochs), sameNetwork.Epoch, torchVision.Epoch, torchVisionChannelsLast.Epoch];
        if (precision != TrainingPrecision.Float32) loops.Add(() => Framework(settings with { Precision = TrainingPrecision.Float32 }, float32Epochs));
        var (times, memory) = Timing.Interleaved(loops, seconds);
        var framework = count / Median(epochs);
        var (same, reference, referenceChannelsLast) = (count / times[1], count / times[2], count / times[3]);

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
        Dictionary<string, double> Against(string limitName, double limitValue) => new()
        {
            ["bare loop, same network"] = same, ["TorchVision resnet18"] = reference,
            ["TorchVision resnet18, channels-last batches"] = referenceChannelsLast, [limitName] = limitValue,
        };
        return
        [
            new("augmentation of a batch (every change on)", batch.shape[0] / augmentTime, "images/s", augmentMemory,
                new Dictionary<string, double> { ["fine-tuning step, framework (target: 5x or more)"] = framework }),
            new("fine-tuning step, bare TorchSharp loop, TorchVision resnet18", reference, "images/s", memory[2]),
            new("fine-tuning step, bare TorchSharp loop, TorchVision resnet18, channels-last batches", referenceChannelsLast, "images/s", memory[3]),
            new("fine-tuning step, bare TorchSharp loop, imported ResNet18", same, "images/s", memory[1],
                new Dictionary<string, double> { ["TorchVision resnet18"] = reference }),
            .. precision == TrainingPrecision.Float32 ? Array.Empty<Measurement>() :
            [new("fine-tuning step, framework trainer, float32", count / Median(float32Epochs), "images/s", memory[4], Against("arithmetic limit", limit))],
            new($"fine-tuning step, framework trainer ({(precision == TrainingPrecision.Float32 ? "float32" : "mixed bfloat16")}, its default here)",
                framework, "images/s", memory[0], Against(precision == TrainingPrecision.Float32 ? "arithmetic limit" : "bfloat16 arithmetic limit", defaultLimit)),
        ];
    }

    // Epoch times in seconds, the first (the warm-up) left out.
    static double Median(List<double> seconds)
    {
        var timed = seconds.Skip(1).Order().ToList();
        return timed[timed.Count / 2];
    }

    // The least a training loop does: forward, loss, backward, Adam step, batch after batch.
    sealed class BareLoop : IDisposable
    {
        readonly nn.Module<Tensor, Tensor> model;
        readonly Tensor inputs, targets;
        readonly int batchSize;
        readonly Func<Tensor, Tensor>? layout;
        readonly optim.Optimizer optimizer;

        public BareLoop(nn.Module<Tensor, Tensor> model, Tensor inputs, Tensor targets, int batchSize, Func<Tensor, Tensor>? layout = null)
        {
            (this.model, this.inputs, this.targets, this.batchSize, this.layout) = (model, inputs, targets, batchSize, layout);
            foreach (var parameter in model.parameters()) parameter.requires_grad = true;
            optimizer = optim.Adam(model.parameters(), 1e-3);
        }

        public void Epoch()
        {
            // Each time: the framework's trainer, run in turn on the same network, leaves it in inference mode.
            model.train();
            var count = inputs.shape[0];
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
        }

        // The model belongs to the caller.
        public void Dispose() => optimizer.Dispose();
    }
}
