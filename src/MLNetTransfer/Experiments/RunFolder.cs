using System.Globalization;
using System.Text.Json;

namespace MLNetTransfer.Experiments;

/// <summary>
/// <c>&lt;output&gt;/&lt;experiment&gt;/&lt;timestamp&gt;/</c>: everything one run produced. Files are written beside
/// their final name and renamed into place, so a reader never sees half a file.
/// </summary>
public sealed class RunFolder
{
    public const string ModelFile = "model.zip";
    public const string RunFile = "run.json";
    public const string ConfigFile = "config.json";
    public const string DatasetFile = "dataset.json";
    public const string MetricsFile = "metrics.json";
    public const string PredictionsFile = "predictions.csv";
    public const string HistoryFile = "history.csv";
    public const string AugmentationFile = "augmentation.png";

    /// <summary>What only runs write: a dataset folder holding one of these is runs' output, never a class.</summary>
    public static readonly IReadOnlyCollection<string> Markers = [RunFile, ExperimentRunner.FeatureStoreFolder];

    RunFolder(string path) => Path = path;

    /// <summary>The folder's absolute path.</summary>
    public string Path { get; }

    /// <summary>A new folder named for <paramref name="startedUtc"/>; a second run in the same second gets a suffix, never another's folder.</summary>
    public static RunFolder Create(string outputRoot, string experiment, DateTime startedUtc)
    {
        var parent = System.IO.Path.Combine(outputRoot, experiment);
        Directory.CreateDirectory(parent);
        var stamp = startedUtc.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
        for (var attempt = 1; ; attempt++)
        {
            var candidate = System.IO.Path.Combine(parent, attempt == 1 ? stamp : $"{stamp}-{attempt}");
            if (Directory.Exists(candidate)) continue;
            Directory.CreateDirectory(candidate);
            return new RunFolder(candidate);
        }
    }

    /// <summary>An existing run folder.</summary>
    public static RunFolder Open(string path) =>
        Directory.Exists(path) ? new RunFolder(System.IO.Path.GetFullPath(path)) : throw new Core.DataException($"run folder not found: {path}");

    /// <summary>
    /// The feature store of the output folder the run was created in: <see cref="Create"/> makes
    /// <c>&lt;output&gt;/&lt;experiment&gt;/&lt;timestamp&gt;</c>, so it lies two folders up.
    /// </summary>
    internal string FeatureStore =>
        System.IO.Path.Combine(System.IO.Path.GetDirectoryName(System.IO.Path.GetDirectoryName(Path)!)!, ExperimentRunner.FeatureStoreFolder);

    /// <summary>The absolute path of a file in this run.</summary>
    public string File(string name) => System.IO.Path.Combine(Path, name);

    /// <summary>Writes <paramref name="content"/> to <paramref name="name"/> through a temporary file.</summary>
    public void WriteText(string name, string content) => Write(name, temporary => System.IO.File.WriteAllText(temporary, content));

    /// <summary>Writes <paramref name="value"/> as indented JSON with the config's naming rules.</summary>
    public void WriteJson<T>(string name, T value) => WriteText(name, JsonSerializer.Serialize(value, ConfigJson.RunFileOptions));

    /// <summary>Reads a JSON file of this run.</summary>
    public T ReadJson<T>(string name)
    {
        var path = File(name);
        if (!System.IO.File.Exists(path)) throw new Core.DataException($"{path} is missing; is {Path} a finished run folder?");
        return JsonSerializer.Deserialize<T>(System.IO.File.ReadAllText(path), ConfigJson.RunFileOptions)
               ?? throw new Core.DataException($"{path} holds null");
    }

    /// <summary>Lets <paramref name="write"/> fill a temporary path, then renames it to <paramref name="name"/>.</summary>
    public void Write(string name, Action<string> write) => Core.AtomicFile.Write(File(name), write);
}
