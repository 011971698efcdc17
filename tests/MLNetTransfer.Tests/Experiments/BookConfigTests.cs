using MLNetTransfer.Core;
using MLNetTransfer.Data;
using MLNetTransfer.Experiments;
using MLNetTransfer.Tests.Support;

namespace MLNetTransfer.Tests.Experiments;

/// <summary>The book's experiments at the book's size (configs/book-*.json): too long for CI to run, so CI checks that each is ready to.</summary>
public sealed class BookConfigTests : IDisposable
{
    static readonly string[] Rows =
    [
        "book-from-scratch", "book-from-scratch-augmented", "book-feature-extraction", "book-feature-extraction-augmented",
        "book-frozen-base-augmented", "book-fine-tune",
        // The augmented convnet with this project's recipes, beside the book's.
        "book-from-scratch-augmented-adamw", "book-from-scratch-batchnorm", "book-from-scratch-augmented-batchnorm",
    ];

    readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    [BookDatasetsFact]
    public void Each_book_config_validates_and_trains_on_2000_photos_with_250_validation_and_250_test_photos_from_the_other_set()
    {
        var files = Directory.GetFiles(Path.Combine(SharedDatasets.RepositoryRoot, "configs"), "book-*.json").ToList();
        Assert.Equal(Rows.Order(StringComparer.Ordinal), files.Select(f => Path.GetFileNameWithoutExtension(f)).Order(StringComparer.Ordinal));
        var splits = new List<DatasetSplit>();
        foreach (var file in files)
        {
            var definition = ExperimentConfigReader.Read(file);
            // The file checks go to a folder of the test's, not to the runs folder beside the checkout.
            definition = definition with { Config = definition.Config with { Output = folder["runs"] } };
            var split = DatasetLoader.Load(definition);
            var where = Path.GetFileName(file);

            Assert.Equal(["cat", "dog"], split.Classes);
            Assert.Equal(2000, split.Train.Count);
            Assert.Equal(250, split.Validation.Count);
            Assert.Equal(250, split.Test.Count);
            foreach (var set in new[] { split.Validation, split.Test })
                Assert.Equal(125, set.Count(i => i.Label == "cat"));
            Assert.All(split.Train, i => Assert.StartsWith(Path.GetFullPath(SharedDatasets.PetsKaggle2000), Path.GetFullPath(i.Path)));
            Assert.All(split.Validation.Concat(split.Test), i => Assert.StartsWith(Path.GetFullPath(SharedDatasets.PetsKaggle500), Path.GetFullPath(i.Path)));
            Assert.Empty(split.Validation.Select(i => i.Path).Intersect(split.Test.Select(i => i.Path)));
            Assert.True(split.Skipped.Count == 0, $"{where}: skipped {string.Join(", ", split.Skipped.Select(s => s.Path))}");
            splits.Add(split);
        }
        // One seed, one split: every row is tested on the same 250 photos.
        Assert.All(splits, s => Assert.Equal(splits[0].Test, s.Test));
    }

    [BookDatasetsFact]
    public void Another_seed_draws_another_validation_and_test_split_from_the_same_folder()
    {
        var definition = ExperimentConfigReader.Read(Path.Combine(SharedDatasets.RepositoryRoot, "configs", "book-from-scratch.json"));
        DatasetSplit Split(int seed) => DatasetLoader.Load(definition with { Config = definition.Config with { Seed = seed, Output = folder["runs"] } });

        var (first, again, other) = (Split(1), Split(1), Split(2));

        Assert.Equal(first.Test, again.Test);
        Assert.NotEqual(first.Test.Select(i => i.Path).Order(), other.Test.Select(i => i.Path).Order());
        Assert.Equal(250, other.Test.Count);
    }

    [Fact]
    public void A_held_out_folder_too_small_for_its_counts_names_the_field()
    {
        SyntheticPets.Generate(folder["train"], 10, 64, seed: 1);
        SyntheticPets.Generate(folder["held"], 10, 64, seed: 2);
        var path = folder.Write("configs/held.json", """
            {
              "name": "held",
              "dataset": { "train": "../train", "heldOut": { "root": "../held", "validation": 15, "test": 15 } },
              "head": { "trainer": "lbfgs-maximum-entropy" },
              "output": "../runs"
            }
            """);

        var error = Assert.Throws<ConfigException>(() => DatasetLoader.Load(ExperimentConfigReader.Read(path)));

        Assert.Contains("dataset.heldOut", error.Message);
        Assert.Contains("20 usable images, fewer than the 15 + 15", error.Message);
    }
}
