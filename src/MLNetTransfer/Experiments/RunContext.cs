using Microsoft.ML;
using MLNetTransfer.Backbones;
using MLNetTransfer.Data;

namespace MLNetTransfer.Experiments;

/// <summary>Everything one run's training works with, and what it hands back besides its model.</summary>
sealed class RunContext(MLContext ml, ExperimentDefinition definition, Backbone backbone, DatasetSplit split, RunFolder folder,
    bool resume, RunSteps steps, CancellationToken cancellation)
{
    public MLContext Ml { get; } = ml;
    public ExperimentDefinition Definition { get; } = definition;
    public ExperimentConfig Config => Definition.Config;
    public Backbone Backbone { get; } = backbone;
    public DatasetSplit Split { get; } = split;
    public RunFolder Folder { get; } = folder;

    /// <summary>Whether the run continues from the checkpoint in its folder.</summary>
    public bool Resume { get; } = resume;

    public RunSteps Steps { get; } = steps;

    /// <summary>Sweep the learning rate before training a network (<c>train --lr-find</c>); null for no sweep.</summary>
    public Training.LearningRateSweepOptions? LearningRateSweep { get; init; }
    public CancellationToken Cancellation { get; } = cancellation;

    /// <summary>Notes for run.json: what the run chose for the user.</summary>
    public List<string> Notes { get; } = [];

    /// <summary>Files that became unreadable after the dataset scan.</summary>
    public List<SkippedFile> Unreadable { get; } = [];

    /// <summary>What the run keeps open until it ends (ONNX Runtime sessions).</summary>
    public List<IDisposable> Owned { get; } = [];

    /// <summary>The stored features, decoded images and file checks, beside the runs so every experiment writing there shares them.</summary>
    public string Store => FeatureStore(Definition);

    internal static string FeatureStore(ExperimentDefinition definition) =>
        Path.Combine(definition.Resolve(definition.Config.Output), ExperimentRunner.FeatureStoreFolder);

    /// <summary>What decoded pixels depend on besides the files: decoded images and features are both found by it.</summary>
    public string PixelsKey => PixelsKeyOf(Backbone);

    internal static string PixelsKeyOf(Backbone backbone) =>
        $"{backbone.Width}x{backbone.Height} {backbone.ChannelOrder} {backbone.Scale}" + (backbone.ApplyExifOrientation ? "\nEXIF orientation applied" : "");

    /// <summary>Maps the text label to the key the trainers read, with the classes in the split's order.</summary>
    public IEstimator<ITransformer> LabelKeys() => ClassKeys.Map(Ml, Split.Classes);
}
