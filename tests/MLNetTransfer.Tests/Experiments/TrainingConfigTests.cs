using MLNetTransfer.Core;
using MLNetTransfer.Experiments;
using MLNetTransfer.Tests.Support;
using MLNetTransfer.Training;

namespace MLNetTransfer.Tests.Experiments;

public sealed class TrainingConfigTests : IDisposable
{
    readonly TempFolder folder = new();

    public TrainingConfigTests()
    {
        Directory.CreateDirectory(folder["photos/cat"]);
        Directory.CreateDirectory(folder["photos/dog"]);
    }

    public void Dispose() => folder.Dispose();

    ExperimentDefinition Read(string fields) =>
        ExperimentConfigReader.Read(folder.Write("experiment.json", $$"""{ "name": "x", "dataset": { "root": "photos" }, {{fields}} }"""));

    ConfigException Error(string fields) => Assert.Throws<ConfigException>(() => Read(fields));

    [Fact]
    public void Fine_tune_defaults_to_the_books_two_phases_on_resnet18()
    {
        var config = Read(""" "mode": "fine-tune" """).Resolved.Record;
        Assert.Equal("resnet18", config.Backbone!.Name);
        Assert.Null(config.Head);
        Assert.Equal([256], config.Classifier!.HiddenUnits!);
        var phases = config.Training!.Phases!;
        Assert.Equal(["head", "top-stages"], phases.Select(p => p.Name));
        Assert.Equal(FreezingPlan.Frozen, phases[0].Unfreeze);
        Assert.Equal(1, phases[1].Unfreeze!.TopStages);
        Assert.Equal(phases[0].LearningRate / 10, phases[1].LearningRate, 12);
    }

    [Fact]
    public void From_scratch_defaults_to_the_books_small_convnet_at_150_pixels()
    {
        var config = Read(""" "mode": "from-scratch" """).Resolved.Record;
        Assert.Equal(ModeDefaults.SmallConvnet, config.Backbone!.Name);
        Assert.Equal((150, 150), (config.ImageSize!.Width, config.ImageSize.Height));
        // config.json says which convnet ran: the book's, without BatchNormalization.
        Assert.False(config.Backbone.BatchNormalization);
        Assert.Null(Read(""" "mode": "fine-tune" """).Resolved.Record.Backbone!.BatchNormalization);
        Assert.Equal([512], config.Classifier!.HiddenUnits!);
        Assert.True(config.Training!.Phases!.Single().Unfreeze!.All);
    }

    [Fact]
    public void The_config_stays_as_written_and_the_record_of_its_resolution_resolves_to_itself()
    {
        var definition = Read(""" "mode": "from-scratch", "training": { "batchSize": 16 } """);
        Assert.Null(definition.Config.Backbone);
        Assert.Null(definition.Config.ImageSize);
        Assert.Null(definition.Config.Training!.Phases);
        var record = definition.Resolved.Record;
        Assert.Equal(16, record.Training!.BatchSize);
        // A run's config.json, read back (as compare and report do), describes the same experiment.
        string Json(ExperimentConfig config) => System.Text.Json.JsonSerializer.Serialize(config, ConfigJson.Options);
        Assert.Equal(Json(record), Json(ResolvedExperiment.Of(record).Record));
        Assert.Equal("dense [512], 30 epochs", ResolvedExperiment.Of(record).Head);
        Assert.Equal("lbfgs-maximum-entropy", Read(""" "mode": "feature-extraction" """).Resolved.Head);
    }

    [Fact]
    public void Phases_bind_optimizer_schedule_and_freezing_plan_from_json()
    {
        var phase = Read(""" "mode": "fine-tune", "training": { "phases": [ { "epochs": 2, "optimizer": "adamw", "schedule": "one-cycle", "unfreeze": { "nodes": ["conv1"] } } ] } """)
            .Resolved.Record.Training!.Phases!.Single();
        Assert.Equal(OptimizerKind.AdamW, phase.Optimizer);
        Assert.Equal(ScheduleKind.OneCycle, phase.Schedule);
        Assert.Equal(["conv1"], phase.Unfreeze!.Nodes!);
        Assert.Equal(OptimizerKind.RmsProp, Read(""" "mode": "from-scratch", "training": { "phases": [ { "optimizer": "rmsprop" } ] } """).Resolved.Record.Training!.Phases!.Single().Optimizer);
    }

    [Fact]
    public void Precision_defaults_to_auto_and_binds_from_json()
    {
        Assert.Equal(TrainingPrecision.Auto, Read(""" "mode": "fine-tune" """).Resolved.Record.Training!.Precision);
        Assert.Equal(TrainingPrecision.MixedBFloat16, Read(""" "mode": "fine-tune", "training": { "precision": "mixed-bfloat16" } """).Resolved.Record.Training!.Precision);
        Assert.Equal(TrainingPrecision.Float32, Read(""" "mode": "fine-tune", "training": { "precision": "float32" } """).Resolved.Record.Training!.Precision);
    }

    [Theory]
    [InlineData(""" "mode": "fine-tune", "head": { "trainer": "light-gbm" } """, "head", "applies to feature-extraction only")]
    [InlineData(""" "training": { "batchSize": 8 } """, "training", "applies to frozen-base, fine-tune and from-scratch")]
    [InlineData(""" "classifier": { "dropout": 0.2 } """, "classifier", "applies to frozen-base, fine-tune and from-scratch")]
    [InlineData(""" "mode": "frozen-base", "training": { "phases": [ { "unfreeze": { "topStages": 2 } } ] } """, "training.phases[0].unfreeze", "frozen-base keeps the whole backbone frozen")]
    [InlineData(""" "mode": "from-scratch", "backbone": { "name": "resnet18" } """, "backbone", "from-scratch trains the book's small convnet")]
    [InlineData(""" "backbone": { "name": "small-convnet" } """, "backbone.name", "only for mode from-scratch")]
    [InlineData(""" "mode": "fine-tune", "training": { "phases": [] } """, "training.phases", "needs at least one phase")]
    [InlineData(""" "mode": "fine-tune", "training": { "phases": [ { "epochs": 2 }, { "learningRate": 0 } ] } """, "training.phases[1].learningRate", "must be above 0")]
    [InlineData(""" "mode": "fine-tune", "training": { "phases": [ { "unfreeze": { "topStages": 1, "all": true } } ] } """, "training.phases[0].unfreeze", "give one of topStages, nodes or all")]
    [InlineData(""" "mode": "fine-tune", "training": { "phases": [ { "optimizer": "adagrad" } ] } """, "training.phases[0].optimizer", "expected one of: sgd, adam, adamw, rmsprop")]
    [InlineData(""" "mode": "fine-tune", "training": { "precision": "float16" } """, "training.precision", "expected one of: auto, float32, mixed-bfloat16")]
    [InlineData(""" "mode": "fine-tune", "training": { "batchSize": 0 } """, "training.batchSize", "must be between 1 and 1024")]
    [InlineData(""" "mode": "fine-tune", "classifier": { "hiddenUnits": [64, 0] } """, "classifier.hiddenUnits[1]", "must be between 1 and 65536")]
    [InlineData(""" "mode": "fine-tune", "training": { "phases": [ { "epochs": 3, "warmupEpochs": 3 } ] } """, "training.phases[0].warmupEpochs", "below the phase's 3 epochs")]
    public void Training_fields_are_checked_with_their_path(string fields, string field, string message)
    {
        var e = Error(fields);
        Assert.Equal(field, e.Field);
        Assert.Contains(message, e.Message);
    }
}
