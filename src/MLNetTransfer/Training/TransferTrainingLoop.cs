using System.Diagnostics;
using MLNetTransfer.Backbones.Import;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MLNetTransfer.Training;

/// <summary>
/// Trains a <see cref="TransferNetwork"/> phase by phase. The part of the backbone a phase keeps frozen is run once per
/// phase and its output kept (<see cref="FrozenOutputs"/>: frozen layers are deterministic in inference mode), so each
/// epoch runs only the layers that train: a frozen-base phase costs about what a dense classifier on cached features
/// costs. The images stream from an <see cref="ImageStore"/>, a few batches ahead, so memory does not grow with their
/// number. The best epoch's weights (by the validation metric) are restored at the end. Reports each epoch;
/// checkpoints after each epoch. With augmentation, every training batch is augmented, preprocessed and run through
/// the frozen layers anew. The backbone computes in the settings' precision while it trains, and in float32 again
/// afterwards.
/// </summary>
/// <param name="network">The backbone and head to train.</param>
/// <param name="settings">Phases, batch size, loss, early stopping, precision, memory budget.</param>
/// <param name="seed">Seeds shuffling and dropout, epoch by epoch, so a resumed run draws what the uninterrupted one would.</param>
/// <param name="augmentation">Changes each training image anew every epoch; null for none. Validation images are never changed.</param>
/// <param name="checkpointFolder">Where a checkpoint is written after each epoch, and read to resume; null for none.</param>
/// <param name="preprocessor">A graph from the pixels the data holds to the backbone's input (run frozen); null when the data already is the backbone's input.</param>
/// <param name="scratchFolder">Where frozen layers' outputs beyond the memory budget are kept while a phase runs; null: the system's temporary folder.</param>
internal sealed class TransferTrainingLoop(TransferNetwork network, TrainingSettings settings, int seed = 42, Pipelines.Augmentation.ImageAugmenter? augmentation = null,
    string? checkpointFolder = null, OnnxGraphModule? preprocessor = null, string? scratchFolder = null)
{
    const long Megabyte = 1 << 20;

    /// <summary>Trains on <paramref name="train"/>, picking the best epoch on <paramref name="validation"/>.</summary>
    /// <param name="train">The training images.</param>
    /// <param name="validation">The validation images; null for none.</param>
    /// <param name="onEpoch">Called after each epoch; when resuming, first for each epoch the checkpoint already holds.</param>
    /// <param name="resume">Continue from the checkpoint in the checkpoint folder.</param>
    /// <param name="cancellation">Stops between batches.</param>
    /// <param name="onNotice">Told, once, when a cache does not fit the memory budget and what is done instead.</param>
    public IReadOnlyList<EpochReport> Run(ImageStore train, ImageStore? validation, Action<EpochReport>? onEpoch = null,
        bool resume = false, CancellationToken cancellation = default, Action<string>? onNotice = null)
    {
        settings.ValidateMemoryBudget(train.ImageShape, (field, message) => throw new ArgumentOutOfRangeException(nameof(TrainingSettings.MemoryBudgetMB), $"{field} {message}"));
        // Only training computes in the chosen precision: the network leaves in float32 for explanations and export.
        network.Backbone.ComputeType = settings.Precision.ComputeType();
        try
        {
            return Train(train, validation, onEpoch, resume, cancellation, onNotice);
        }
        finally
        {
            network.Backbone.ComputeType = null;
        }
    }

    List<EpochReport> Train(ImageStore train, ImageStore? validation, Action<EpochReport>? onEpoch, bool resume, CancellationToken cancellation,
        Action<string>? onNotice)
    {
        var noticed = false;
        void Notice(string message)
        {
            if (noticed) return;
            noticed = true;
            onNotice?.Invoke(message);
        }

        var checkpoint = resume && checkpointFolder is { } folder ? TrainingCheckpoint.Read(folder) : null;
        var history = new List<EpochReport>(checkpoint?.History ?? []);
        foreach (var earlier in history) onEpoch?.Invoke(earlier);
        var bestScore = checkpoint?.BestScore;
        var bestEpoch = checkpoint?.BestEpoch ?? 0;
        var sinceBest = checkpoint?.EpochsSinceBest ?? 0;
        var epoch = checkpoint?.Epoch ?? 0;
        Dictionary<string, Tensor>? best = null;
        if (checkpoint is not null)
        {
            var bestFile = checkpoint.BestFile(checkpointFolder!);
            if (File.Exists(bestFile))
            {
                network.load(bestFile);
                best = CopyState();
            }
            network.load(checkpoint.NetworkFile(checkpointFolder!));
        }

        var phases = settings.PhasesToRun;
        for (var p = checkpoint?.Phase ?? 0; p < phases.Count; p++)
        {
            var phase = phases[p];
            var phaseName = phase.Name ?? $"phase{p + 1}";
            using var prepared = Prepare(phase, train, validation, Notice, cancellation);

            using var optimizer = CreateOptimizer(phase, network.parameters().Where(q => q.requires_grad).ToList());
            var done = checkpoint is not null && checkpoint.Phase == p ? checkpoint.EpochsDoneInPhase : 0;
            if (done > 0) optimizer.load_state_dict(checkpoint!.OptimizerFile(checkpointFolder!));
            if (checkpoint is not null && checkpoint.Phase != p) sinceBest = 0;
            checkpoint = null;

            var stepsPerEpoch = (prepared.Usable.Length + settings.BatchSize - 1) / settings.BatchSize;
            var totalSteps = phase.Epochs * stepsPerEpoch;
            for (var e = done; e < phase.Epochs; e++)
            {
                cancellation.ThrowIfCancellationRequested();
                var clock = Stopwatch.StartNew();
                epoch++;
                var order = Shuffled(prepared.Usable, epoch);

                network.train();
                double lossSum = 0, rate = 0;
                long correct = 0;
                var steps = order.Chunk(settings.BatchSize).ToList();
                using var images = prepared.TrainCache is null ? train.Batches(steps, cancellation).GetEnumerator() : null;
                for (var s = 0; s < stepsPerEpoch; s++)
                {
                    cancellation.ThrowIfCancellationRequested();
                    if (images is not null && !images.MoveNext()) throw new InvalidOperationException("the image store ended early");
                    using var scope = NewDisposeScope();
                    var indices = steps[s];
                    var (inputs, labels) = Batch(prepared, indices, images?.Current, epoch);
                    rate = LearningRateSchedule.At(phase, e * stepsPerEpoch + s, totalSteps, stepsPerEpoch);
                    var (loss, logits) = Step(optimizer, prepared.Cut, inputs, labels, rate);
                    lossSum += loss.item<float>() * indices.Length;
                    correct += logits.argmax(1).eq(labels).sum().item<long>();
                }

                var (validationLoss, validationAccuracy) = validation is null || prepared.ValidationUsable!.Length == 0 ? ((double?)null, (double?)null)
                    : Evaluate(prepared.Cut, validation, prepared.ValidationUsable, prepared.ValidationCache, prepared.ValidationLabels!, cancellation);
                var score = Score(validationLoss, validationAccuracy);
                var improved = score is null || bestScore is null || Better(score, bestScore);
                if (improved)
                {
                    bestScore = score;
                    bestEpoch = epoch;
                    sinceBest = 0;
                    DisposeState(best);
                    best = CopyState();
                }
                else sinceBest++;

                var report = new EpochReport(phaseName, epoch, lossSum / order.Length, (double)correct / order.Length, validationLoss, validationAccuracy, rate, clock.Elapsed.TotalSeconds, improved);
                history.Add(report);
                onEpoch?.Invoke(report);

                var stop = settings.EarlyStopping is { } stopping && sinceBest >= stopping.Patience;
                if (checkpointFolder is { } target)
                {
                    var next = stop || e + 1 == phase.Epochs ? (Phase: p + 1, Done: 0) : (Phase: p, Done: e + 1);
                    new TrainingCheckpoint(next.Phase, next.Done, epoch, bestScore, bestEpoch, sinceBest, history)
                        .Write(target, path => network.save(path), path => optimizer.save_state_dict(path),
                            improved ? path => SaveState(best!, path) : null);
                }
                if (stop) break;
            }
        }

        if (best is not null)
        {
            network.load_state_dict(best);
            DisposeState(best);
        }
        network.eval();
        return history;
    }

    /// <summary>
    /// An exponential sweep of the learning rate over <paramref name="options"/>' steps of the first phase, as fastai's
    /// <c>lr_find</c> (Smith 2017): one optimizer step a batch, the rate multiplied by the same factor each step, the
    /// loss of each batch recorded and smoothed, stopping early once it diverges. The network's weights, buffers and
    /// trainable layers are as they were afterwards, so training after it trains as it would have without it.
    /// </summary>
    public LearningRateSweep Sweep(ImageStore train, LearningRateSweepOptions options, CancellationToken cancellation = default, Action<int>? onStep = null)
    {
        var phase = settings.PhasesToRun[0];
        var state = CopyState();
        var trainable = network.Backbone.TrainableNodes.ToList();
        network.Backbone.ComputeType = settings.Precision.ComputeType();
        try
        {
            using var prepared = Prepare(phase, train, null, _ => { }, cancellation);
            using var optimizer = CreateOptimizer(phase, network.parameters().Where(q => q.requires_grad).ToList());
            network.train();
            var recorder = new LearningRateSweep.Recorder(options);
            var stepsPerPass = (prepared.Usable.Length + settings.BatchSize - 1) / settings.BatchSize;
            for (var pass = 0; !recorder.Done; pass++)
            {
                // Passes count down from 0, so no pass draws what an epoch of training (1, 2, ...) draws.
                var steps = Shuffled(prepared.Usable, -pass).Chunk(settings.BatchSize).Take(Math.Min(stepsPerPass, options.Steps - recorder.Count)).ToList();
                using var images = prepared.TrainCache is null ? train.Batches(steps, cancellation).GetEnumerator() : null;
                foreach (var indices in steps)
                {
                    cancellation.ThrowIfCancellationRequested();
                    if (images is not null && !images.MoveNext()) throw new InvalidOperationException("the image store ended early");
                    using var scope = NewDisposeScope();
                    var (inputs, labels) = Batch(prepared, indices, images?.Current, -pass);
                    var (loss, _) = Step(optimizer, prepared.Cut, inputs, labels, recorder.NextRate);
                    recorder.Add(loss.item<float>());
                    onStep?.Invoke(recorder.Count);
                    if (recorder.Done) break;
                }
            }
            return recorder.Result();
        }
        finally
        {
            network.Backbone.ComputeType = null;
            network.load_state_dict(state);
            DisposeState(state);
            network.Backbone.SetTrainable(trainable);
            network.eval();
        }
    }

    // The usable images in the order of an epoch (its dropout seeded too): the same in every run of the same seed.
    int[] Shuffled(int[] usable, int epoch)
    {
        torch.manual_seed(seed * 1000L + epoch);
        var order = usable.ToArray();
        // Not HashCode.Combine: it is salted per process, and the order must be the same in every run.
        new Random(unchecked(seed * 7919 + epoch)).Shuffle(order);
        return order;
    }

    // A batch's inputs to the trained layers (the kept frozen outputs, or the streamed images augmented and run through
    // the frozen layers) and its labels, in the caller's dispose scope.
    (Tensor Inputs, Tensor Labels) Batch(PreparedPhase prepared, int[] indices, ImageBatch? images, int epoch) =>
        (prepared.TrainCache?.Rows(indices) ?? Prefix(Augmented(images!.ToTensor(), epoch, indices), prepared.Cut),
         prepared.TrainLabels.index_select(0, tensor(indices.Select(i => (long)i).ToArray())));

    // One optimizer step on a batch at the given rate: the batch's loss and logits, in the caller's dispose scope.
    (Tensor Loss, Tensor Logits) Step(OptimizerHelper optimizer, string cut, Tensor inputs, Tensor labels, double rate)
    {
        var logits = network.ForwardFrom(cut, inputs);
        var loss = nn.functional.cross_entropy(logits, labels, label_smoothing: settings.LabelSmoothing);
        optimizer.zero_grad();
        loss.backward();
        foreach (var group in optimizer.ParamGroups) group.LearningRate = rate;
        optimizer.step();
        return (loss, logits);
    }

    // A phase's layers set trainable, and what its epochs read: the frozen layers' outputs where they can be kept, the
    // labels as tensors, and the images that decoded.
    PreparedPhase Prepare(TrainingPhase phase, ImageStore train, ImageStore? validation, Action<string> notice, CancellationToken cancellation)
    {
        var backbone = network.Backbone;
        var plan = phase.Unfreeze ?? FreezingPlan.Frozen;
        backbone.SetTrainable(plan.Resolve(backbone), storedStatistics: plan.NormalizationStatistics == NormalizationStatistics.Stored);
        var cut = Cut(backbone);
        // Only layers past the preprocessing are worth keeping: preprocessing a batch costs less than reading it.
        var frozen = cut != backbone.InputName;
        // Without augmentation the frozen part's output never changes within a phase: compute it once.
        var trainCache = augmentation is null && frozen ? Frozen(train, cut, settings.MemoryBudgetMB * Megabyte, notice, cancellation) : null;
        var validationCache = validation is not null && frozen
            ? Frozen(validation, cut, settings.MemoryBudgetMB * Megabyte - (trainCache is { InMemory: true } ? trainCache.Bytes : 0), notice, cancellation)
            : null;
        // Known once every image is decoded: after the frozen layers ran, which overlaps decoding.
        var usable = train.Usable(cancellation);
        if (usable.Length == 0) throw new InvalidOperationException($"no training image could be decoded: {train.Failed.Values.FirstOrDefault()}");
        return new PreparedPhase(cut, trainCache, validationCache, tensor(train.Labels), validation is null ? null : tensor(validation.Labels),
            usable, validation?.Usable(cancellation));
    }

    sealed record PreparedPhase(string Cut, FrozenOutputs? TrainCache, FrozenOutputs? ValidationCache, Tensor TrainLabels, Tensor? ValidationLabels,
        int[] Usable, int[]? ValidationUsable) : IDisposable
    {
        public void Dispose()
        {
            TrainCache?.Dispose();
            ValidationCache?.Dispose();
            TrainLabels.Dispose();
            ValidationLabels?.Dispose();
        }
    }

    // The tensor every trained layer lies after: the input of the first stage with a trained node, else the backbone's output.
    string Cut(OnnxGraphModule backbone)
    {
        var trained = backbone.TrainableNodes;
        if (trained.Count == 0) return backbone.OutputName;
        return BackboneStages.Find(backbone).First(s => s.Layers.Any(trained.Contains)).Input;
    }

    Tensor Augmented(Tensor images, int epoch, int[] indices) => augmentation?.Apply(images, epoch, indices) ?? images;

    // The frozen layers' outputs for a phase, or null (recomputed every batch) where they cannot be kept.
    FrozenOutputs? Frozen(ImageStore images, string cut, long budget, Action<string> notice, CancellationToken cancellation)
    {
        try
        {
            var outputs = FrozenOutputs.Compute(images, batch => Prefix(batch, cut), settings.BatchSize, budget, scratchFolder, cancellation);
            if (!outputs.InMemory)
                notice($"the frozen layers' outputs ({Describe(outputs.Bytes)}) exceed the memory budget (training.memoryBudgetMB = {settings.MemoryBudgetMB}): they are kept on disk and read batch by batch");
            return outputs;
        }
        catch (IOException e)
        {
            notice($"the frozen layers' outputs could not be kept ({e.Message}): they are recomputed for every batch, which is slower");
            return null;
        }
    }

    static string Describe(long bytes) => $"{bytes / (double)Megabyte:0} MB";

    // Runs the preprocessing and the frozen part of a batch in inference mode and without gradients.
    Tensor Prefix(Tensor batch, string cut)
    {
        var backbone = network.Backbone;
        var training = backbone.training;
        backbone.eval();
        preprocessor?.eval();
        using var _ = no_grad();
        if (preprocessor is not null) batch = preprocessor.forward(batch);
        var output = cut == backbone.InputName ? batch : backbone.Run(new Dictionary<string, Tensor> { [backbone.InputName] = ChannelsLast.Of(batch) }, [cut])[cut];
        backbone.train(training);
        return output;
    }

    (double? Loss, double? Accuracy) Evaluate(string cut, ImageStore images, int[] usable, FrozenOutputs? cache, Tensor labels, CancellationToken cancellation)
    {
        network.eval();
        using var _ = no_grad();
        double lossSum = 0;
        long correct = 0;
        var batches = usable.Chunk(settings.BatchSize).ToList();
        // Only read when nothing is cached: the cache already holds what the images give.
        using var stream = cache is null ? images.Batches(batches, cancellation).GetEnumerator() : null;
        foreach (var indices in batches)
        {
            using var scope = NewDisposeScope();
            if (stream is not null && !stream.MoveNext()) throw new InvalidOperationException("the image store ended early");
            var inputs = cache?.Rows(indices) ?? Prefix(stream!.Current.ToTensor(), cut);
            var logits = network.ForwardFrom(cut, inputs);
            var target = labels.index_select(0, tensor(indices.Select(i => (long)i).ToArray()));
            lossSum += nn.functional.cross_entropy(logits, target).item<float>() * indices.Length;
            correct += logits.argmax(1).eq(target).sum().item<long>();
        }
        return (lossSum / usable.Length, (double)correct / usable.Length);
    }

    double[]? Score(double? loss, double? accuracy) => loss is null ? null
        : settings.EarlyStopping?.Metric == StoppingMetric.ValidationLoss ? [-loss.Value] : [accuracy!.Value, -loss.Value];

    static bool Better(double[] score, double[] best)
    {
        for (var i = 0; i < score.Length; i++)
            if (score[i] != best[i]) return score[i] > best[i];
        return false;
    }

    internal static OptimizerHelper CreateOptimizer(TrainingPhase phase, IReadOnlyList<Parameter> parameters) => phase.Optimizer switch
    {
        OptimizerKind.Sgd => optim.SGD(parameters, phase.LearningRate, phase.Momentum, weight_decay: phase.WeightDecay),
        OptimizerKind.Adam => optim.Adam(parameters, phase.LearningRate, weight_decay: phase.WeightDecay),
        OptimizerKind.AdamW => optim.AdamW(parameters, phase.LearningRate, weight_decay: phase.WeightDecay),
        // Keras' rho and epsilon, not PyTorch's 0.99 and 1e-8: the book's learning rates were tuned with these.
        OptimizerKind.RmsProp => optim.RMSProp(parameters, phase.LearningRate, alpha: 0.9, eps: 1e-7, weight_decay: phase.WeightDecay),
        _ => throw new ArgumentOutOfRangeException(nameof(phase), phase.Optimizer, "unknown optimizer"),
    };

    Dictionary<string, Tensor> CopyState() =>
        network.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.detach().clone());

    static void DisposeState(Dictionary<string, Tensor>? state)
    {
        if (state is null) return;
        foreach (var t in state.Values) t.Dispose();
    }

    void SaveState(Dictionary<string, Tensor> state, string path)
    {
        using var writer = new BinaryWriter(File.Create(path));
        nn.Module.save_state_dict(writer, state, null);
    }
}
