using MLNetTransfer.Data;
using MLNetTransfer.Experiments;
using MLNetTransfer.Tests.Support;

namespace MLNetTransfer.Tests.Experiments;

/// <summary>Training photos with a wrong label are found by heads that never saw them.</summary>
public sealed class SuspectedMislabelsTests : IDisposable
{
    readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    [Fact]
    public void Photos_given_the_wrong_class_rank_first_in_the_run_the_suspects_verb_and_a_recomputation()
    {
        // Drawn cats and dogs, 40 each; three photos of each class moved into the other's folder.
        var root = folder["data/pets"];
        SyntheticPets.Generate(root, imagesPerClass: 40, imageSize: 128, seed: 3);
        var classes = new[] { "cat", "dog" };
        var swapped = new HashSet<string>();
        for (var c = 0; c < classes.Length; c++)
            foreach (var file in Directory.GetFiles(Path.Combine(root, classes[c])).Order(StringComparer.Ordinal).Take(3))
            {
                var moved = Path.Combine(root, classes[(c + 1) % classes.Length], "swapped-" + Path.GetFileName(file));
                File.Move(file, moved);
                swapped.Add(Path.GetFullPath(moved));
            }
        var config = folder.Write("configs/swapped.json", """
            {
              "name": "swapped",
              "seed": 7,
              "dataset": { "root": "../data/pets", "split": { "train": 0.8, "validation": 0.1, "test": 0.1 } },
              "output": "../runs"
            }
            """);

        var result = new ExperimentRunner().Run(ExperimentConfigReader.Read(config));

        var run = TrainedRun.Open(result.Folder);
        var train = run.Folder.ReadJson<DatasetFiles>(RunFolder.DatasetFile).Train;
        var wrong = train.Select(i => Path.GetFullPath(i.Path)).Where(swapped.Contains).ToHashSet();
        Assert.True(wrong.Count >= 3, $"only {wrong.Count} of the 6 swapped photos were drawn into the training set");
        var ranked = SuspectedMislabels.Of(run);
        Assert.Equal(train.Count, ranked.Count);
        // Every swapped training photo is above every correctly labelled one, and its heads went for the class it was drawn as.
        Assert.True(wrong.Order().SequenceEqual(ranked.Take(wrong.Count).Select(p => Path.GetFullPath(p.ImagePath)).Order()), string.Join("\n", ranked.Take(12).Select(p => $"{Path.GetFileName(p.ImagePath)} {p.Label} {p.PredictedLabel} {SuspectedMislabels.GivenLabelProbability(p, run.Classes):0.000}")));
        Assert.All(ranked.Take(wrong.Count), p => Assert.True(SuspectedMislabels.GivenLabelProbability(p, run.Classes) < 0.5,
            $"{p.ImagePath}: its given label {p.Label} has {SuspectedMislabels.GivenLabelProbability(p, run.Classes):P1}"));
        Assert.All(ranked.Take(wrong.Count), p => Assert.StartsWith(p.PredictedLabel + "_", Path.GetFileName(p.ImagePath)["swapped-".Length..]));

        // The verb lists them, most suspect first.
        var listed = CliApp.Run("suspects", result.Folder, "--top", "3");
        Assert.Equal(0, listed.ExitCode);
        Assert.Contains(Path.GetFileName(ranked[0].ImagePath), listed.Output);
        Assert.DoesNotContain(Path.GetFileName(ranked[3].ImagePath), listed.Output);
        Assert.Contains($"{train.Count} training photos ranked", listed.Output);

        // Without the file (a run trained before it existed, or a network run) they are computed from the stored features: the same ranking.
        File.Delete(run.Folder.File(SuspectedMislabels.FileName));
        Assert.Equal(ranked.Select(p => p.ImagePath), SuspectedMislabels.Of(run).Select(p => p.ImagePath));
        Assert.True(File.Exists(run.Folder.File(SuspectedMislabels.FileName)));
    }
}
