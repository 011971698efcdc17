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
        ImageFolder Scan(string field, string folder)
        {
            try
            {
                return ImageFolder.Scan(definition.Resolve(folder), dataset.ExifOrientation == ExifOrientationMode.Apply, RunContext.FeatureStore(definition),
                    definition.Resolve(definition.Config.Output), RunFolder.Markers);
            }
            catch (DataException e)
            {
                throw new ConfigException(file, field, e.Message, e);
            }
        }

        if (dataset.HeldOut is { } heldOut)
        {
            var train = Scan("dataset.train", dataset.Train!);
            var held = Scan("dataset.heldOut.root", heldOut.Root);
            try
            {
                return DatasetSplit.HeldOut(train, held, heldOut.Validation, heldOut.Test, definition.Config.Seed);
            }
            catch (DataException e)
            {
                throw new ConfigException(file, "dataset.heldOut", e.Message, e);
            }
        }
        if (dataset.Root is null)
            return DatasetSplit.Separate(Scan("dataset.train", dataset.Train!), Scan("dataset.validation", dataset.Validation!), Scan("dataset.test", dataset.Test!));

        var root = definition.Resolve(dataset.Root);
        if (dataset.Synthetic is { } synthetic && !Directory.Exists(root))
        {
            var total = synthetic.ImagesPerClass * SyntheticPets.Classes.Count;
            SyntheticPets.Generate(root, synthetic.ImagesPerClass, synthetic.ImageSize, synthetic.Seed, steps?.Counter("Generating the synthetic dataset", total), cancellation);
        }
        var split = dataset.Split ?? new SplitConfig();
        try
        {
            return DatasetSplit.Stratified(Scan("dataset.root", dataset.Root), split.Train, split.Validation, definition.Config.Seed);
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
