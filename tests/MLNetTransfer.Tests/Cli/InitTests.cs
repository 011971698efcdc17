using MLNetTransfer.Cli;
using MLNetTransfer.Data;
using MLNetTransfer.Experiments;
using MLNetTransfer.Tests.Support;

namespace MLNetTransfer.Tests.Cli;

/// <summary><c>init</c> writes a config that trains as written, says why, and never overwrites a file.</summary>
public sealed class InitTests : IDisposable
{
    readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    [Fact]
    public void Init_on_a_generated_folder_writes_a_config_with_its_schema_that_trains_and_refuses_to_overwrite_it()
    {
        SyntheticPets.Generate(folder["photos"], imagesPerClass: 12, imageSize: 128, seed: 3, classes: 3);
        var config = folder["configs/photos.json"];

        var init = CliApp.Run("init", folder["photos"], "--out", config);

        Assert.Equal(0, init.ExitCode);
        var output = init.Output.Replace("\n", " ");
        Assert.Contains("3 classes, 36 usable photos", output);
        Assert.Contains("classes from folders", output);
        Assert.Contains("mode feature-extraction: the smallest class has 12 photos", output);
        Assert.Contains($"wrote {config} and experiment.schema.json beside it", output);
        var text = File.ReadAllText(config);
        Assert.StartsWith("{\n  \"$schema\": \"./experiment.schema.json\",".ReplaceLineEndings(), text.ReplaceLineEndings());
        Assert.Equal(ConfigSchema.Generate(), File.ReadAllText(folder["configs/experiment.schema.json"]));
        // Today's defaults are written out, as a run's config.json records them.
        var written = ExperimentConfigReader.Read(config).Config;
        Assert.Equal(written, ResolvedExperiment.Of(written).Record);
        Assert.Equal("../photos", written.Dataset.Root);
        Assert.Contains("\"labels\": \"folders\"", text);

        var result = new ExperimentRunner().Run(ExperimentConfigReader.Read(config));
        Assert.Equal(["cat", "dog", "rabbit"], result.Metrics.Test.Classes);
        Assert.StartsWith(folder["configs/runs/photos"], result.Folder);

        var again = CliApp.Run("init", folder["photos"], "--out", config, "--mode", "fine-tune");
        Assert.Equal(ExitCodes.BadInput, again.ExitCode);
        Assert.Contains("exists; init never overwrites a file", again.Output.Replace("\n", ""));
        Assert.Equal(text, File.ReadAllText(config));
    }

    [Fact]
    public void A_mode_asked_for_gets_its_defaults_written_out_and_an_unknown_mode_is_named()
    {
        SyntheticPets.Generate(folder["photos"], imagesPerClass: 4, imageSize: 64, seed: 3);

        var init = CliApp.Run("init", folder["photos"], "--out", folder["tune.json"], "--mode", "fine-tune");

        Assert.Equal(0, init.ExitCode);
        Assert.Contains("mode fine-tune: as asked", init.Output);
        var written = ExperimentConfigReader.Read(folder["tune.json"]).Config;
        Assert.Equal(TrainingMode.FineTune, written.Mode);
        Assert.Equal(["head", "top-stages"], written.Training!.Phases!.Select(p => p.Name));
        Assert.Equal([256], written.Classifier!.HiddenUnits!);

        var wrong = CliApp.Run("init", folder["photos"], "--out", folder["other.json"], "--mode", "fine-tuning");
        Assert.Equal(ExitCodes.BadInput, wrong.ExitCode);
        Assert.Contains("--mode fine-tuning is not a mode; the modes are feature-extraction, frozen-base, fine-tune, from-scratch", wrong.Output.Replace("\n", ""));
        Assert.False(File.Exists(folder["other.json"]));
    }

    [AllSharedDatasetsFact]
    public void Init_on_each_shared_dataset_writes_a_config_whose_dataset_loads_and_the_smallest_trains()
    {
        foreach (var dataset in new[] { SharedDatasets.PetsKaggle500, SharedDatasets.PetsKaggle2000, SharedDatasets.OxfordPetsDev })
        {
            var config = folder[Path.GetFileName(dataset) + ".json"];
            Assert.Equal(0, CliApp.Run("init", dataset, "--out", config).ExitCode);
            var definition = ExperimentConfigReader.Read(config);
            var split = DatasetLoader.Load(definition);
            Assert.Equal(["cat", "dog"], split.Classes);
            Assert.Equal(Directory.GetFiles(dataset, "*.jpg", SearchOption.AllDirectories).Length, split.Train.Count + split.Validation.Count + split.Test.Count);
        }
        // oxford-pets-dev's masks are not a class; its 180 photos train as written.
        var oxford = new ExperimentRunner().Run(ExperimentConfigReader.Read(folder["oxford-pets-dev.json"]));
        Assert.InRange(oxford.Metrics.Test.Accuracy, 0.9, 1.0);
    }
}
