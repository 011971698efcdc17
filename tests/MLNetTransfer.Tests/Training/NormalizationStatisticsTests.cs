using MLNetTransfer.Backbones;
using MLNetTransfer.Backbones.Import;
using MLNetTransfer.Core;
using MLNetTransfer.Training;
using static TorchSharp.torch;

namespace MLNetTransfer.Tests.Training;

/// <summary>
/// Fine-tuning ResNet18's top stage with its BatchNormalization statistics stored (Keras' advice) or taken from each
/// batch (torch's training mode): only the second moves the pretrained statistics; both train the stage's weights.
/// </summary>
public sealed class NormalizationStatisticsTests
{
    public NormalizationStatisticsTests() => TorchRuntime.EnsureStarted();

    // Names of the backbone's buffers and parameters that one epoch on the top stage changed, and how many
    // BatchNormalization nodes that stage has.
    static (List<string> Buffers, List<string> Parameters, int Normalizations) ChangedByAnEpoch(NormalizationStatistics statistics)
    {
        using var scope = NewDisposeScope();
        manual_seed(3);
        using var network = new TransferNetwork(OnnxGraphModule.Load(BundledBackbones.ResNet18().Model.Path), new ClassifierHead(512, [], 2, 0));
        var backbone = network.Backbone;
        var plan = new FreezingPlan(TopStages: 1, NormalizationStatistics: statistics);
        var topStage = plan.Resolve(backbone).ToHashSet();
        var before = backbone.state_dict().ToDictionary(p => p.Key, p => p.Value.clone());
        // Inputs unlike ImageNet's, so a batch's statistics differ from the stored ones.
        using var store = ImageStore.FromTensor(ChannelsLast.Of(randn(4, 3, 224, 224) * 3 + 1), [0, 0, 1, 1]);
        var settings = new TrainingSettings
        {
            BatchSize = 4,
            Precision = TrainingPrecision.Float32,
            Phases = [new TrainingPhase { Epochs = 1, Unfreeze = plan }],
        };
        new TransferTrainingLoop(network, settings).Run(store, null);
        var changed = backbone.state_dict().Where(p => !p.Value.eq(before[p.Key]).all().item<bool>()).Select(p => p.Key).ToHashSet();
        var buffers = backbone.named_buffers().Select(b => b.name).Where(changed.Contains).ToList();
        var parameters = backbone.named_parameters().Select(p => p.name).Where(changed.Contains).ToList();
        return (buffers, parameters, backbone.Layers.Count(l => topStage.Contains(l.Name) && l.OpType == "BatchNormalization"));
    }

    [Fact]
    public void Stored_statistics_stay_as_they_were_while_the_top_stage_learns_and_batch_statistics_move()
    {
        var batch = ChangedByAnEpoch(NormalizationStatistics.Batch);
        var stored = ChangedByAnEpoch(NormalizationStatistics.Stored);

        // Each BatchNormalization node of the stage has a running mean and variance.
        Assert.InRange(batch.Normalizations, 1, int.MaxValue);
        Assert.Equal(2 * batch.Normalizations, batch.Buffers.Count);
        Assert.Empty(stored.Buffers);
        // Convolution weights and the normalization's scale and shift learn either way.
        Assert.NotEmpty(stored.Parameters);
        Assert.Equal(batch.Parameters, stored.Parameters);
    }
}
