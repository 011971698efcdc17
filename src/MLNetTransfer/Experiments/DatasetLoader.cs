using MLNetTransfer.Core;
using MLNetTransfer.Data;

namespace MLNetTransfer.Experiments;

/// <summary>
/// The config's dataset as a split: generated first where it is synthetic and missing, scanned (with each folder's file
/// checks kept in the feature store), and split the way the config says. Errors name the config field.
/// </summary>
static class DatasetLoader
{
    public static DatasetSplit Load(ExperimentDefinition definition, RunSteps? steps = null, CancellationToken cancellation = default)
    {
        var dataset = definition.Config.Dataset;
        var file = definition.ConfigPath;
        LabelSource labels;
        try
        {
            labels = dataset.Labels?.Source(definition.Resolve) ?? LabelSource.Folders;
        }
        catch (DataException e)
        {
            throw new ConfigException(file, "dataset.labels", e.Message, e);
        }
        var scanned = new List<string>();
        ImageFolder Scan(string field, string folder)
        {
            try
            {
                scanned.Add(definition.Resolve(folder));
                return ImageFolder.Scan(scanned[^1], dataset.ExifOrientation == ExifOrientationMode.Apply, RunContext.FeatureStore(definition),
                    definition.Resolve(definition.Config.Output), RunFolder.Markers, labels);
            }
            catch (DataException e)
            {
                throw new ConfigException(file, field, e.Message, e);
            }
        }
        // A CSV's second rows, and rows naming no file in any folder, are known once every folder is scanned.
        DatasetSplit WithCsvProblems(DatasetSplit split) =>
            labels is CsvLabels csv ? split with { Skipped = [.. split.Skipped, .. csv.RowProblems(scanned)] } : split;

        if (dataset.HeldOut is { } heldOut)
        {
            var train = Scan("dataset.train", dataset.Train!);
            var held = Scan("dataset.heldOut.root", heldOut.Root);
            try
            {
                return WithCsvProblems(DatasetSplit.HeldOut(train, held, heldOut.Validation, heldOut.Test, definition.Config.Seed));
            }
            catch (DataException e)
            {
                throw new ConfigException(file, "dataset.heldOut", e.Message, e);
            }
        }
        if (dataset.Root is null)
            return WithCsvProblems(DatasetSplit.Separate(Scan("dataset.train", dataset.Train!), Scan("dataset.validation", dataset.Validation!), Scan("dataset.test", dataset.Test!)));

        var root = definition.Resolve(dataset.Root);
        if (dataset.Synthetic is { } synthetic && !Directory.Exists(root))
        {
            var total = synthetic.ImagesPerClass * synthetic.Classes;
            SyntheticPets.Generate(root, synthetic.ImagesPerClass, synthetic.ImageSize, synthetic.Seed, steps?.Counter("Generating the synthetic dataset", total), cancellation, synthetic.Classes);
        }
        var split = dataset.Split ?? new SplitConfig();
        try
        {
            return WithCsvProblems(DatasetSplit.Stratified(Scan("dataset.root", dataset.Root), split.Train, split.Validation, definition.Config.Seed));
        }
        catch (DataException e)
        {
            throw new ConfigException(file, "dataset.root", e.Message, e);
        }
    }

    /// <summary>The dataset as run.json records it: fingerprint, classes, counts per set, skipped files and warnings.</summary>
    public static DatasetRecord Describe(ExperimentDefinition definition, DatasetSplit split)
    {
        var root = definition.Resolve(definition.Config.Dataset.Root ?? Path.Combine(definition.Config.Dataset.Train!, ".."));
        IReadOnlyDictionary<string, int> Count(IReadOnlyList<LabeledImage> images) =>
            split.Classes.ToDictionary(c => c, c => images.Count(i => i.Label == c));
        return new DatasetRecord(DatasetFingerprint.Of(split, root), split.Classes,
            new Dictionary<string, IReadOnlyDictionary<string, int>>
            {
                ["train"] = Count(split.Train),
                ["validation"] = Count(split.Validation),
                ["test"] = Count(split.Test),
            },
            split.Skipped,
            split.All.Select(a => a.Image).Where(i => i.Warning is not null).Select(i => new FileWarning(i.Path, i.Warning!)).ToList());
    }
}
