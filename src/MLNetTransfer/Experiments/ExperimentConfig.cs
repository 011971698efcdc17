using System.ComponentModel;
using System.Text.Json.Serialization;

namespace MLNetTransfer.Experiments;

/// <summary>
/// One experiment, as a user writes it in <c>configs/*.json</c>. Relative paths are resolved against the folder of the
/// config file. The JSON Schema in <c>configs/experiment.schema.json</c> is generated from these types.
/// </summary>
[Description("An MLNetTransfer experiment: which images, which backbone, how to train the head, where to write the run.")]
public sealed record ExperimentConfig
{
    [JsonPropertyName("$schema")]
    [Description("The JSON Schema this file follows; editors use it for completion. Ignored by the tool.")]
    public string? Schema { get; init; }

    [Description("The experiment's name: runs are written to <output>/<name>/<timestamp>/. Letters, digits, '-', '_' and '.'.")]
    public required string Name { get; init; }

    [Description("Free text shown in the run summary.")]
    public string? Description { get; init; }

    [Description("Seeds the split, ML.NET and everything random in the run. Default: 42.")]
    public int Seed { get; init; } = 42;

    [Description("The images: one sub-folder per class.")]
    public required DatasetConfig Dataset { get; init; }

    [Description("Size the images are resized to. Default: the backbone's input size (224 x 224 for resnet18).")]
    public ImageSizeConfig? ImageSize { get; init; }

    [Description("The network that turns an image into features. Default: the bundled resnet18 (small-convnet for from-scratch).")]
    public BackboneConfig? Backbone { get; init; }

    [Description("feature-extraction (frozen backbone, features computed once, ML.NET head), frozen-base, fine-tune or from-scratch (TorchSharp head). Default: feature-extraction.")]
    public TrainingMode Mode { get; init; } = TrainingMode.FeatureExtraction;

    [Description("feature-extraction only: the ML.NET trainer fitted to the features. Default: L-BFGS maximum entropy.")]
    public HeadConfig? Head { get; init; }

    [Description("frozen-base, fine-tune and from-scratch: the dense classifier on the backbone. Default: one hidden layer of 256 (512 for from-scratch), dropout 0.5.")]
    public ClassifierConfig? Classifier { get; init; }

    [Description("frozen-base, fine-tune and from-scratch: phases, optimizer, schedule, early stopping.")]
    public Training.TrainingSettings? Training { get; init; }

    [Description("frozen-base, fine-tune and from-scratch: random changes to training images, new every epoch (Keras ImageDataGenerator's vocabulary). Default: none.")]
    public Pipelines.Augmentation.AugmentationOptions? Augmentation { get; init; }

    [Description("frozen-base, fine-tune and from-scratch: none; horizontal-flip to average each prediction over the image and its mirror, vertical-flip over the image and its upside-down copy, or flips over the image and all three flipped copies; in evaluation and in the saved model. Default: none.")]
    public Backbones.Export.TestTimeAugmentation TestTimeAugmentation { get; init; }

    [Description("none, or temperature: fit one temperature on the validation set that makes the probabilities as confident as the model is right (it minimises the validation log-loss; the predicted class never changes), and fold it into model.zip, whose Score is then calibrated (UncalibratedScore keeps the raw one). The report shows the calibration error before and after. Default: none.")]
    public CalibrationMethod Calibration { get; init; }

    [Description("What model.zip outputs besides the class and scores: heatmap adds where the model looked. Default: nothing more.")]
    public ExportConfig? Export { get; init; }

    [Description("Folder that runs are written under. Default: runs (beside the config file's folder: ../runs for configs/).")]
    public string Output { get; init; } = "../runs";
}
