using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using MLNetTransfer.Core;
using MLNetTransfer.Data;

namespace MLNetTransfer.Experiments;

/// <summary>
/// A first config for a surveyed folder, as <c>mlnet-transfer init</c> writes it: the dataset as found, today's
/// defaults resolved into their fields (what a run's config.json records), a mode suggested for the dataset's size, and
/// the reasons for each choice.
/// </summary>
/// <param name="Config">The config, its paths relative to the file it will be written to.</param>
/// <param name="Reasons">What was chosen and why, a sentence each.</param>
public sealed record ConfigDraft(ExperimentConfig Config, IReadOnlyList<string> Reasons)
{
    /// <summary>
    /// Fine-tuning is suggested from this many photos in the smallest class; below it, feature extraction. Measured on
    /// the book's 1,000 photos a class, ResNet18's frozen features and an L-BFGS head beat fine-tuning its top stage
    /// (99.2% against 98.4% on 250 test photos) in a third of the time; the top stage needs more photos to gain from
    /// training without over-fitting.
    /// </summary>
    public const int FineTuneFromPhotosPerClass = 2_500;

    /// <summary>The schema file written beside a config that has none, and named in its <c>$schema</c>.</summary>
    public const string SchemaFile = "experiment.schema.json";

    /// <summary>A config for <paramref name="survey"/>'s folder, to be written to <paramref name="configPath"/>.</summary>
    /// <param name="survey">The folder, as surveyed.</param>
    /// <param name="configPath">Where the config goes: the dataset's path, and a CSV's, are written relative to it.</param>
    /// <param name="mode">The training mode; null suggests one by the dataset's size.</param>
    public static ConfigDraft For(DatasetSurvey survey, string configPath, TrainingMode? mode = null)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(configPath))!;
        // Relative where the config and the data share a folder below the file system's root, so both can move together.
        string Relative(string path)
        {
            var relative = Path.GetRelativePath(folder, path);
            var ups = relative.Split(Path.DirectorySeparatorChar).TakeWhile(part => part == "..").Count();
            var depth = folder.Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries).Length - (OperatingSystem.IsWindows() ? 1 : 0);
            return (Path.IsPathRooted(relative) || ups >= depth ? path : relative).Replace('\\', '/');
        }
        var reasons = new List<string> { $"classes from {survey.Layout}: {survey.Why}" };
        var smallest = survey.Counts.Values.Min();
        if (mode is null)
        {
            mode = smallest >= FineTuneFromPhotosPerClass ? TrainingMode.FineTune : TrainingMode.FeatureExtraction;
            reasons.Add(mode == TrainingMode.FineTune
                ? $"mode fine-tune: the smallest class has {smallest:N0} photos, at least {FineTuneFromPhotosPerClass:N0}, enough for the top stage to adapt to them"
                : $"mode feature-extraction: the smallest class has {smallest:N0} photos, under {FineTuneFromPhotosPerClass:N0}; there frozen ImageNet features and an ML.NET head train fastest, need no libtorch, and beat fine-tuning at the book's 1,000 photos a class");
        }
        else reasons.Add($"mode {ConfigJson.Name(mode.Value)}: as asked");
        var split = new SplitConfig();
        if (smallest * split.Test < 1)
            reasons.Add($"the smallest class has {smallest} photos: the 10% test split gives it at most one test photo; add photos for figures worth reading");
        var labels = survey.Labels switch
        {
            FileNameLabels names => new LabelsConfig { FileName = names.Pattern },
            CsvLabels csv => new LabelsConfig { Csv = Relative(csv.Path), FileColumn = csv.FileColumn, LabelColumn = csv.LabelColumn },
            _ => new LabelsConfig(),
        };
        var config = new ExperimentConfig
        {
            Schema = "./" + SchemaFile,
            Name = Name(survey.Root),
            Description = $"Written by mlnet-transfer init on {DateTime.Now.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)} for {survey.Scanned.Classes.Count} classes, " +
                          $"{survey.Scanned.Images.Count:N0} photos ({survey.Layout}), {survey.Scanned.Skipped.Count} file(s) left out.",
            Dataset = new DatasetConfig { Root = Relative(survey.Root), Labels = labels, Split = split },
            Mode = mode.Value,
            Output = "runs",
        };
        reasons.Add("split 80/10/10 per class, seed 42; runs go to runs/ beside the config; every other field is today's default, written out to be edited");
        return new ConfigDraft(ResolvedExperiment.Of(config).Record, reasons);
    }

    /// <summary>The config as JSON, as configs/ spell them.</summary>
    public string Json => JsonSerializer.Serialize(Config, ConfigJson.Options);

    /// <summary>
    /// Writes the config to <paramref name="path"/>, and the schema beside it where none is there; then reads it back
    /// as <c>train</c> will, so a config that would not run is never left behind.
    /// </summary>
    /// <returns>Whether the schema file was written.</returns>
    /// <exception cref="DataException"><paramref name="path"/> exists: a config is never overwritten.</exception>
    public bool Write(string path)
    {
        EnsureNew(path);
        var folder = Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!).FullName;
        var schema = Path.Combine(folder, SchemaFile);
        var writeSchema = !File.Exists(schema);
        if (writeSchema) AtomicFile.WriteText(schema, ConfigSchema.Generate());
        AtomicFile.WriteText(path, Json + Environment.NewLine);
        try
        {
            ExperimentConfigReader.Read(path);
        }
        catch
        {
            File.Delete(path);
            if (writeSchema) File.Delete(schema);
            throw;
        }
        return writeSchema;
    }

    /// <exception cref="DataException"><paramref name="path"/> exists: a config is never overwritten.</exception>
    public static void EnsureNew(string path)
    {
        if (File.Exists(path)) throw new DataException($"{Path.GetFullPath(path)} exists; init never overwrites a file: name another with --out");
    }

    // The folder's name in the characters experiment names allow.
    static string Name(string root)
    {
        var name = Regex.Replace(Path.GetFileName(root.TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar)), "[^A-Za-z0-9._-]+", "-").Trim('-', '.');
        return name.Length > 0 ? name : "experiment";
    }
}
