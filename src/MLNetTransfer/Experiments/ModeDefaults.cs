using MLNetTransfer.Training;

namespace MLNetTransfer.Experiments;

/// <summary>
/// The defaults that depend on the mode, in one place: the config a run writes to config.json is the user's with
/// these filled in, so it says exactly what ran.
/// </summary>
internal static class ModeDefaults
{
    /// <summary>The book's from-scratch network, generated: four Conv+MaxPool blocks.</summary>
    public const string SmallConvnet = "small-convnet";

    /// <summary>The book trains its small convnet on 150 x 150 images.</summary>
    public const int SmallConvnetImageSize = 150;

    /// <summary><paramref name="config"/> with every mode-dependent field set.</summary>
    public static ExperimentConfig Resolve(ExperimentConfig config)
    {
        var scratch = config.Mode == TrainingMode.FromScratch;
        var backbone = config.Backbone ?? new BackboneConfig { Name = scratch ? SmallConvnet : "resnet18" };
        if (backbone is { Name: null, Onnx: null }) backbone = backbone with { Name = "resnet18" };
        if (config.Mode == TrainingMode.FeatureExtraction)
            return config with { Backbone = backbone, Head = config.Head ?? new HeadConfig() };

        var classifier = config.Classifier ?? new ClassifierConfig();
        var training = config.Training ?? new TrainingSettings();
        return config with
        {
            Backbone = backbone,
            ImageSize = config.ImageSize ?? (backbone.Name == SmallConvnet ? new ImageSizeConfig { Width = SmallConvnetImageSize, Height = SmallConvnetImageSize } : null),
            Classifier = classifier with { HiddenUnits = classifier.HiddenUnits ?? [scratch ? 512 : 256] },
            Training = training with
            {
                Phases = (training.Phases ?? Phases(config.Mode))
                    .Select((p, i) => p with { Name = p.Name ?? $"phase{i + 1}", Unfreeze = p.Unfreeze ?? (scratch ? FreezingPlan.Everything : FreezingPlan.Frozen) })
                    .ToArray(),
            },
        };
    }

    static TrainingPhase[] Phases(TrainingMode mode) => mode switch
    {
        TrainingMode.FrozenBase => [new TrainingPhase { Name = "head", Epochs = 5 }],
        TrainingMode.FineTune =>
        [
            new TrainingPhase { Name = "head", Epochs = 3 },
            new TrainingPhase { Name = "top-stages", Epochs = 3, Unfreeze = new FreezingPlan(TopStages: 1), LearningRate = 1e-4 },
        ],
        TrainingMode.FromScratch => [new TrainingPhase { Name = "scratch", Epochs = 30, Unfreeze = FreezingPlan.Everything }],
        _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, "feature-extraction has no training phases"),
    };
}
