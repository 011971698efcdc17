using MLNetTransfer.Core;
using MLNetTransfer.Experiments;
using MLNetTransfer.Tests.Support;

namespace MLNetTransfer.Tests.Experiments;

public sealed class ConfigErrorTests : IDisposable
{
    readonly TempFolder folder = new();

    public ConfigErrorTests()
    {
        Directory.CreateDirectory(folder["photos/cat"]);
        Directory.CreateDirectory(folder["photos/dog"]);
    }

    public void Dispose() => folder.Dispose();

    ConfigException Error(string json)
    {
        var path = folder.Write("bad.json", json);
        return Assert.Throws<ConfigException>(() => ExperimentConfigReader.Read(path));
    }

    static string Valid(string datasetExtra = "", string top = "") => $$"""
        { "name": "x", {{top}} "dataset": { "root": "photos" {{datasetExtra}} } }
        """;

    [Fact]
    public void A_misspelt_field_is_named_with_its_path_and_the_likely_intended_field()
    {
        var e = Error("""{ "name": "x", "dataset": { "root": "photos", "splt": { "train": 0.8 } } }""");
        Assert.Equal("dataset.splt", e.Field);
        Assert.Contains("unknown field; did you mean 'split'?", e.Message);
        Assert.StartsWith(folder["bad.json"] + ": dataset.splt: ", e.Message);
    }

    [Fact]
    public void An_unknown_top_level_field_lists_the_known_ones()
    {
        var e = Error("""{ "name": "x", "dataset": { "root": "photos" }, "epochs": 3 }""");
        Assert.Equal("epochs", e.Field);
        Assert.Contains("Known fields here: $schema, name, description, seed, dataset", e.Message);
    }

    [Fact]
    public void A_wrong_type_says_what_was_expected()
    {
        var e = Error("""{ "name": "x", "seed": "forty-two", "dataset": { "root": "photos" } }""");
        Assert.Equal("seed", e.Field);
        Assert.Contains("expected a whole number", e.Message);
    }

    [Fact]
    public void An_unknown_enum_value_lists_the_allowed_ones()
    {
        var e = Error("""{ "name": "x", "dataset": { "root": "photos" }, "mode": "fine-tuning" }""");
        Assert.Equal("mode", e.Field);
        Assert.Contains("expected one of: feature-extraction", e.Message);
    }

    [Fact]
    public void A_missing_required_field_is_named()
    {
        var e = Error("""{ "dataset": { "root": "photos" } }""");
        Assert.Equal("name", e.Field);
        Assert.Contains("required field is missing", e.Message);
    }

    [Fact]
    public void Broken_json_gives_the_line()
    {
        var e = Error("{ \"name\": \"x\",\n  \"dataset\": { \"root\": \"photos\" ]\n}");
        Assert.True(e.Message.Contains("(line 2)"), e.Message);
    }

    [Fact]
    public void A_missing_folder_is_named_with_its_resolved_path()
    {
        var e = Error("""{ "name": "x", "dataset": { "root": "no-such-folder" } }""");
        Assert.Equal("dataset.root", e.Field);
        Assert.Contains("folder not found: " + folder["no-such-folder"], e.Message);
    }

    [Fact]
    public void Split_fractions_must_sum_to_one()
    {
        var e = Error(Valid(""", "split": { "train": 0.8, "validation": 0.3, "test": 0.1 }"""));
        Assert.Equal("dataset.split", e.Field);
        Assert.Contains("must be 1 (got 1.2)", e.Message);
    }

    [Theory]
    [InlineData("""{ "root": "photos", "heldOut": { "root": "photos" } }""", "dataset.heldOut", "goes with train, not with root")]
    [InlineData("""{ "train": "photos", "test": "photos", "heldOut": { "root": "photos" } }""", "dataset.test", "either validation and test folders or heldOut")]
    [InlineData("""{ "train": "photos", "heldOut": { "root": "elsewhere" } }""", "dataset.heldOut.root", "folder not found")]
    [InlineData("""{ "train": "photos", "heldOut": { "root": "photos", "test": 0 } }""", "dataset.heldOut.test", "must be at least 1")]
    [InlineData("""{ "heldOut": { "root": "photos" } }""", "dataset", "give either root")]
    public void A_held_out_folder_goes_with_a_train_folder_alone(string dataset, string field, string words)
    {
        var e = Error($$"""{ "name": "x", "dataset": {{dataset}} }""");
        Assert.Equal(field, e.Field);
        Assert.Contains(words, e.Message);
    }

    [Fact]
    public void A_hyper_parameter_of_another_trainer_is_refused()
    {
        var e = Error(Valid(top: """ "head": { "trainer": "lbfgs-maximum-entropy", "numberOfLeaves": 8 }, """));
        Assert.Equal("head.numberOfLeaves", e.Field);
        Assert.Contains("does not apply to trainer lbfgs-maximum-entropy; it is for light-gbm", e.Message);
    }

    [Fact]
    public void A_bundled_backbone_and_an_onnx_file_together_are_refused()
    {
        var e = Error(Valid(top: """ "backbone": { "name": "resnet18", "onnx": "model.onnx" }, """));
        Assert.Equal("backbone", e.Field);
    }

    [Fact]
    public void An_unknown_bundled_backbone_lists_the_bundled_ones()
    {
        var e = Error(Valid(top: """ "backbone": { "name": "resnet50" }, """));
        Assert.Equal("backbone.name", e.Field);
        Assert.Contains("bundled: resnet18", e.Message);
    }

    [Fact]
    public void Batch_normalization_is_refused_for_a_pretrained_backbone()
    {
        var e = Error(Valid(top: """ "backbone": { "name": "resnet18", "batchNormalization": true }, """));
        Assert.Equal("backbone.batchNormalization", e.Field);
        Assert.Contains("applies to small-convnet only", e.Message);
    }

    [Fact]
    public void A_class_folder_with_no_images_is_named_when_the_run_starts()
    {
        File.WriteAllBytes(folder["photos/cat/a.png"], TinyPng.Bytes);
        var path = folder.Write("ok.json", Valid(top: """ "output": "runs", """));
        var definition = ExperimentConfigReader.Read(path);
        var e = Assert.Throws<ConfigException>(() => new ExperimentRunner().Run(definition));
        Assert.Equal("dataset.root", e.Field);
        Assert.Contains("class folder 'dog' has no usable images", e.Message);
        Assert.False(Directory.Exists(folder["runs"]), "no run folder is made for a run that cannot start");
    }

    [Fact]
    public void A_dataset_with_one_class_is_refused()
    {
        Directory.Delete(folder["photos/dog"]);
        File.WriteAllBytes(folder["photos/cat/a.png"], TinyPng.Bytes);
        var definition = ExperimentConfigReader.Read(folder.Write("ok.json", Valid()));
        var e = Assert.Throws<ConfigException>(() => new ExperimentRunner().Run(definition));
        Assert.Contains("a classifier needs at least two", e.Message);
    }
}
