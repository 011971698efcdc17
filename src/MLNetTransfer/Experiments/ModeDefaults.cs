using MLNetTransfer.Training;

namespace MLNetTransfer.Experiments;

/// <summary>
/// The defaults that depend on the mode, in one place: <see cref="ResolvedExperiment"/> is the config as written
/// with these filled in, and config.json records it, so it says exactly what ran.
/// </summary>
internal static class ModeDefaults
{
    /// <summary>The book's from-scratch network, generated: four Conv+MaxPool blocks.</summary>
    public const string SmallConvnet = "small-convnet";

    /// <summary>The book trains its small convnet on 150 x 150 images.</summary>
    public const int SmallConvnetImageSize = 150;

    /// <summary>
    /// The backbone: the config's, else resnet18 (the small convnet from scratch); the small convnet says whether it
    /// normalizes, the book's (false) unless asked.
    /// </summary>
    public static BackboneConfig BackboneOf(ExperimentConfig config)
    {
        var backbone = config.Backbone ?? new BackboneConfig { Name = config.Mode == TrainingMode.FromScratch ? SmallConvnet : "resnet18" };
        if (backbone is { Name: null, Onnx: null }) backbone = backbone with { Name = "resnet18" };
        return backbone.Name == SmallConvnet ? backbone with { BatchNormalization = backbone.BatchNormalization ?? false } : backbone;
    }

    /// <summary>The image size: the config's, the small convnet's default, or none (the backbone's own).</summary>
    public static ImageSizeConfig? ImageSizeOf(ExperimentConfig config) =>
        BackboneOf(config).Name == SmallConvnet ? SmallConvnetSize(config) : config.ImageSize;

    /// <summary>The size the small convnet is generated for.</summary>
    public static ImageSizeConfig SmallConvnetSize(ExperimentConfig config) =>
        config.ImageSize ?? new ImageSizeConfig { Width = SmallConvnetImageSize, Height = SmallConvnetImageSize };

    /// <summary>A feature-extraction run's ML.NET head.</summary>
    public static HeadConfig HeadOf(ExperimentConfig config) => config.Head ?? new HeadConfig();

    /// <summary>A network run's head and training, every phase named and with its freezing plan.</summary>
    public static NetworkSettings NetworkOf(ExperimentConfig config)
    {
        var scratch = config.Mode == TrainingMode.FromScratch;
        var classifier = config.Classifier ?? new ClassifierConfig();
        var training = config.Training ?? new TrainingSettings();
        var phases = (training.Phases ?? Phases(config.Mode))
            .Select((p, i) => p with { Name = p.Name ?? $"phase{i + 1}", Unfreeze = p.Unfreeze ?? (scratch ? FreezingPlan.Everything : FreezingPlan.Frozen) })
            .ToArray();
        return new NetworkSettings(classifier.HiddenUnits ?? [scratch ? 512 : 256], classifier.Dropout, training with { Phases = phases });
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
