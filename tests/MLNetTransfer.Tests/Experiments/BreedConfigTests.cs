using MLNetTransfer.Data;
using MLNetTransfer.Experiments;
using MLNetTransfer.Tests.Support;

namespace MLNetTransfer.Tests.Experiments;

/// <summary>configs/oxford-pets-breeds.json: 18 breeds labelled by file name, the README's many-class run.</summary>
public sealed class BreedConfigTests : IDisposable
{
    readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    [OxfordPetsDevFact]
    public void The_breed_config_reads_18_breeds_from_the_file_names_and_lists_the_masks_as_not_matching()
    {
        var definition = ExperimentConfigReader.Read(Path.Combine(SharedDatasets.RepositoryRoot, "configs", "oxford-pets-breeds.json"));
        definition = definition with { Config = definition.Config with { Output = folder["runs"] } };

        var split = DatasetLoader.Load(definition);

        Assert.Equal(18, split.Classes.Count);
        Assert.Contains("British_Shorthair", split.Classes);
        Assert.Contains("american_pit_bull_terrier", split.Classes);
        Assert.All(split.Classes, c => Assert.Equal((6, 2, 2), (split.Train.Count(i => i.Label == c), split.Validation.Count(i => i.Label == c), split.Test.Count(i => i.Label == c))));
        Assert.All(split.All, a => Assert.StartsWith(a.Image.Label + "_", Path.GetFileName(a.Image.Path)));
        // The masks beside the photos are PNGs whose names end in .png, not .jpg: left out, each with the reason.
        Assert.Equal(181, split.Skipped.Count);
        Assert.All(split.Skipped, s => Assert.StartsWith("the file name does not match", s.Reason));
    }
}
