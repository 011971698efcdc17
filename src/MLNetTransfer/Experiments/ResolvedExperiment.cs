namespace MLNetTransfer.Experiments;

/// <summary>
/// An experiment as it runs: the config as written, with every default that depends on the mode resolved and nothing
/// optional left but the image size (null: the backbone's own). Its run kind holds the resolved head or network;
/// <see cref="Record"/> is what the run's config.json says.
/// </summary>
public sealed class ResolvedExperiment
{
    ResolvedExperiment(ExperimentConfig written)
    {
        Written = written;
        Backbone = ModeDefaults.BackboneOf(written);
        ImageSize = ModeDefaults.ImageSizeOf(written);
        Kind = RunKind.For(written);
    }

    /// <summary>Resolves <paramref name="config"/>, a config as written or a run's config.json (which resolves to itself).</summary>
    public static ResolvedExperiment Of(ExperimentConfig config) => new(config);

    /// <summary>The config as the user wrote it.</summary>
    public ExperimentConfig Written { get; }

    /// <summary>The backbone: the config's, else resnet18 (the small convnet from scratch).</summary>
    public BackboneConfig Backbone { get; }

    /// <summary>The size images are resized to; null where it is the backbone's own input size.</summary>
    public ImageSizeConfig? ImageSize { get; }

    /// <summary>How the run trains, with its resolved head or network.</summary>
    internal RunKind Kind { get; }

    /// <summary>
    /// What config.json records: the config as written with the resolved parts in their fields, so it says exactly what
    /// ran and runs again the same.
    /// </summary>
    public ExperimentConfig Record => Kind.Written(Written with { Backbone = Backbone, ImageSize = ImageSize });

    /// <summary>The head in a few words, as run summaries and comparisons show it: the ML.NET trainer, or the dense layers and epochs.</summary>
    public string Head => Kind.Head;
}
