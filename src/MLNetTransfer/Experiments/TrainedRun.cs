using Microsoft.ML;
using Microsoft.ML.Data;
using MLNetTransfer.Backbones.Export;
using MLNetTransfer.Core;
using MLNetTransfer.Data;
using MLNetTransfer.Pipelines.Orientation;

namespace MLNetTransfer.Experiments;

/// <summary>A finished run folder, opened to use its model: what <c>evaluate</c> and <c>predict</c> work on.</summary>
public sealed class TrainedRun
{
    TrainedRun(RunFolder folder, RunRecord record, MLContext ml, ITransformer model)
    {
        Folder = folder;
        Record = record;
        Ml = ml;
        Model = model;
    }

    public RunFolder Folder { get; }
    public RunRecord Record { get; }
    public MLContext Ml { get; }

    /// <summary>The model loaded from model.zip with <c>MLContext.Model.Load</c>, as any application would.</summary>
    public ITransformer Model { get; }

    /// <summary>The backbone the run used, with its ONNX files in the run folder.</summary>
    public Backbones.Backbone Backbone => Record.Backbone.Relocated(Folder.File);

    /// <summary>The classes, in the order of the model's scores.</summary>
    public IReadOnlyList<string> Classes => Record.Dataset.Classes;

    /// <summary>Opens <paramref name="path"/>; it must hold a completed run.</summary>
    public static TrainedRun Open(string path)
    {
        var folder = RunFolder.Open(path);
        var record = folder.ReadJson<RunRecord>(RunFolder.RunFile);
        if (record.Status != RunRecord.Completed)
            throw new DataException(Unfinished(folder, record));
        var ml = new MLContext(record.Seed);
        // A run that applies EXIF orientation saved it as a custom mapping, found through this assembly.
        ml.ComponentCatalog.RegisterAssembly(typeof(UprightImageFactory).Assembly);
        var model = Load(ml, folder.File(RunFolder.ModelFile));
        return new TrainedRun(folder, record, ml, model);
    }

    /// <summary>
    /// Null for a completed run; else why it has no model, with how it ended (a run whose process was killed shows as
    /// <see cref="RunRecord.Killed"/>) and what can be done about it.
    /// </summary>
    public static string? Unfinished(string path)
    {
        var folder = RunFolder.Open(path);
        var record = folder.ReadJson<RunRecord>(RunFolder.RunFile);
        return record.Status == RunRecord.Completed ? null : Unfinished(folder, record);
    }

    static string Unfinished(RunFolder folder, RunRecord record) => RunHeartbeat.StatusOf(folder, record) switch
    {
        RunRecord.Running => $"{folder.Path} is still running ({RunHeartbeat.Owner(record)}); it has no finished model yet",
        RunRecord.Killed => $"{folder.Path} is {RunRecord.Killed}: its {RunHeartbeat.Owner(record)} ended without saying how; it has no finished model{Continue(folder, record)}",
        RunRecord.Interrupted => $"{folder.Path} is {RunRecord.Interrupted}; it has no finished model{Continue(folder, record)}",
        var status => $"{folder.Path} is a run whose status is '{status}'{(record.Error is { } error ? $" ({error})" : "")}, not '{RunRecord.Completed}'; it has no finished model",
    };

    static string Continue(RunFolder folder, RunRecord record) => record.Mode == TrainingMode.FeatureExtraction
        ? "; train its config again: the new run takes up the features already extracted, in chunks of 256 photos"
        : $"; `train {record.ConfigFile} --resume {folder.Path}` continues it";

    // ML.NET 5 writes each ONNX model in model.zip to a temporary file named by Path.GetRandomFileName; when the random
    // extension comes out as ".ort" (1 in 32768), ONNX Runtime reads the file as its own format and fails to verify it
    // (dotnet/machinelearning#7339). Loading again draws new names.
    static ITransformer Load(MLContext ml, string path)
    {
        try
        {
            return ml.Model.Load(path, out _);
        }
        catch (InvalidOperationException e) when (e.ToString().Contains("ORT model verification failed", StringComparison.Ordinal))
        {
            return ml.Model.Load(path, out _);
        }
    }

    /// <summary>The run's model made differentiable for explanation, the way its kind of run was trained.</summary>
    /// <exception cref="DataException">A run whose network cannot be rebuilt (see the message).</exception>
    public Interpretability.ExplainableRun Explainable() => RunKind.Explainable(this);

    /// <summary>
    /// The rows and columns of the model's Heatmap column (<see cref="HeatmapOutput"/>), which holds one image's map row
    /// by row; null where the model has none (it was saved without <c>export.heatmap</c>).
    /// </summary>
    public (int Height, int Width)? HeatmapSize =>
        Model.GetOutputSchema(Pipelines.FeatureCache.ImagePathSchema()).GetColumnOrNull(HeatmapOutput.Name)?.Type is VectorDataViewType { Dimensions: [.., var height, var width] }
            ? (height, width)
            : null;

    /// <summary>
    /// Saves model.zip again with the Heatmap column (as <c>"export": { "heatmap": true }</c> would have), scoring as
    /// before: the column for a run trained without it. Open the run again to use the new model.
    /// </summary>
    /// <exception cref="DataException">The model has the column already, or cannot have it (see the message).</exception>
    public void AddHeatmap()
    {
        if (HeatmapSize is not null) throw new DataException($"{Folder.Path}: the model already has a {HeatmapOutput.Name} column");
        RunKind.AddHeatmap(this);
    }

    /// <summary>Replaces model.zip with <paramref name="model"/>, renamed into place once whole.</summary>
    internal void Save(ITransformer model) =>
        AtomicFile.Write(Folder.File(RunFolder.ModelFile), temporary => Ml.Model.Save(model, Pipelines.FeatureCache.ImagePathSchema(), temporary));

    /// <summary>The run's own test images, from dataset.json.</summary>
    public IReadOnlyList<LabeledImage> TestImages => Folder.ReadJson<DatasetFiles>(RunFolder.DatasetFile).Test;
}
