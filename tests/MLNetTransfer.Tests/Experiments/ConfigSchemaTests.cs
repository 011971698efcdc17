using System.Text.Json.Nodes;
using MLNetTransfer.Experiments;
using MLNetTransfer.Tests.Support;

namespace MLNetTransfer.Tests.Experiments;

public class ConfigSchemaTests
{
    static string ConfigsFolder => Path.Combine(SharedDatasets.RepositoryRoot, "configs");

    [Fact]
    public void The_published_schema_is_the_one_generated_from_the_config_types()
    {
        var published = File.ReadAllText(Path.Combine(ConfigsFolder, "experiment.schema.json"));
        Assert.True(published == ConfigSchema.Generate(),
            "configs/experiment.schema.json is stale: regenerate it with `mlnet-transfer config schema > configs/experiment.schema.json`");
    }

    [Fact]
    public void The_schema_rejects_unknown_fields_and_lists_enum_values_as_the_reader_spells_them()
    {
        var schema = JsonNode.Parse(ConfigSchema.Generate())!;
        Assert.False(schema["additionalProperties"]!.GetValue<bool>());
        Assert.False(schema["properties"]!["dataset"]!["additionalProperties"]!.GetValue<bool>());
        var trainers = schema["properties"]!["head"]!["properties"]!["trainer"]!["enum"]!.AsArray().Select(v => v!.GetValue<string>());
        Assert.Equal(["lbfgs-maximum-entropy", "sdca-maximum-entropy", "light-gbm"], trainers);
        Assert.Equal(["name", "dataset"], schema["required"]!.AsArray().Select(v => v!.GetValue<string>()));
    }

    [Fact]
    public void Every_example_config_references_the_schema_and_parses()
    {
        var configs = Directory.GetFiles(ConfigsFolder, "*.json").Where(f => !f.EndsWith("schema.json", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(configs);
        foreach (var file in configs)
        {
            var config = ExperimentConfigReader.Parse(File.ReadAllText(file), file);
            Assert.Equal("./experiment.schema.json", config.Schema);
        }
    }
}
