using Microsoft.ML;
using Microsoft.ML.Data;
using MLNetTransfer.Backbones;
using MLNetTransfer.Core;
using MLNetTransfer.Data;
using MLNetTransfer.Pipelines;
using MLNetTransfer.Tests.Support;
using MLNetTransfer.Training;

namespace MLNetTransfer.Tests.Training;

/// <summary>What an ML.NET user relies on in any trainer: checked options, a declared output schema, the context's seed.</summary>
public sealed class TrainerContractTests : IDisposable
{
    readonly TempFolder folder = new();
    readonly Backbone backbone = BundledBackbones.ResNet18();
    readonly List<LabeledImage> images;

    public TrainerContractTests()
    {
        TorchRuntime.EnsureStarted();
        SyntheticPets.Generate(folder["pets"], 4, 96, seed: 9);
        images = [.. ImageFolder.Scan(folder["pets"]).Images];
    }

    public void Dispose() => folder.Dispose();

    // ExtractBackbonePixels' pixels, as the trainer takes them with the backbone's preprocessing graph as its Preprocessor.
    IDataView Pixels(MLContext ml, bool preprocessed = false)
    {
        var data = ml.Data.LoadFromEnumerable(images.Select(i => new Row { ImagePath = i.Path, Label = i.Label }));
        var pixels = preprocessed ? ml.Transforms.PrepareBackboneInput(backbone, "Pixels") : ml.Transforms.ExtractBackbonePixels(backbone, "Pixels");
        return pixels.Append(ml.Transforms.Conversion.MapValueToKey("LabelKey", "Label")).Fit(data).Transform(data);
    }

    TransferLearningTrainer.Options Options(string model) => new()
    {
        LabelColumnName = "LabelKey",
        Backbone = backbone.Model,
        Preprocessor = backbone.Preprocessor,
        PixelScale = backbone.Scale,
        ModelFolder = folder[model],
        Training = new TrainingSettings { BatchSize = 4, Phases = [new TrainingPhase { Epochs = 1 }] },
    };

    [Fact]
    public void Options_out_of_range_are_refused_when_the_trainer_is_made_and_the_message_names_the_option()
    {
        var ml = new MLContext(1);
        void Refused(Action<TransferLearningTrainer.Options> change, string option, string words)
        {
            var options = Options("refused");
            change(options);
            var error = Assert.Throws<TrainerOptionException>(() => ml.MulticlassClassification.Trainers.TransferLearning(ml, options));
            Assert.Equal($"Options.{option}", error.ParamName);
            Assert.Equal(option, error.Option);
            Assert.Contains(words, error.Message);
            Assert.EndsWith(error.Reason, error.Message.Split(" (Parameter")[0]);
        }

        Refused(o => o.Training = o.Training with { BatchSize = 0 }, "Training.BatchSize", "batchSize must be between 1 and 1024 (got 0)");
        Refused(o => o.Training = o.Training with { Phases = [] }, "Training.Phases", "needs at least one phase");
        Refused(o => o.Training = o.Training with { Phases = [new TrainingPhase { LearningRate = 0 }] }, "Training.Phases[0].learningRate", "must be above 0");
        Refused(o => o.Backbone = null, "Backbone", "Backbone is required");
        Refused(o => o.ModelFolder = null, "ModelFolder", "ModelFolder is required");
        Refused(o => o.Dropout = 1, "Dropout", "must be at least 0 and below 1 (got 1)");
        Refused(o => o.HiddenUnits = [64, 0], "HiddenUnits[1]", "must be 1 or more");
        Refused(o => o.Resume = true, "Resume", "needs CheckpointFolder");
        Refused(o => o.PredictedLabelColumnName = "Score", "PredictedLabelColumnName", "must differ from ScoreColumnName");
    }

    [Fact]
    public void Preprocessing_given_twice_is_refused_before_training()
    {
        var ml = new MLContext(1);
        var trainer = ml.MulticlassClassification.Trainers.TransferLearning(ml, Options("twice"));
        var prepared = Pixels(ml, preprocessed: true);
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => trainer.GetOutputSchema(Shape(prepared.Schema)));
        Assert.Contains("Options.Preprocessor is set, and the data already holds its output", error.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => trainer.Fit(prepared));
        Assert.False(File.Exists(Path.Combine(folder["twice"], TransferLearningTrainer.NetworkFileName)));
    }

    [Fact]
    public void The_output_schema_declared_before_fit_names_the_columns_fit_makes_and_a_context_seed_makes_fits_repeat()
    {
        (ITransformer Model, IDataView Data, TransferLearningTrainer Trainer, SchemaShape Declared) Fit(int contextSeed, string model)
        {
            var ml = new MLContext(contextSeed);
            var data = Pixels(ml);
            var options = Options(model);
            options.ScoreColumnName = "Probabilities";
            options.PredictedLabelColumnName = "Predicted";
            var trainer = ml.MulticlassClassification.Trainers.TransferLearning(ml, options);
            var declared = trainer.GetOutputSchema(Shape(data.Schema));
            return (trainer.Fit(data), data, trainer, declared);
        }

        var (model, data, trainer, declared) = Fit(7, "seven");
        var output = model.Transform(data).Schema;
        foreach (var name in new[] { "Probabilities", "Predicted" })
        {
            var column = declared.Single(c => c.Name == name);
            var made = Shape(output).Single(c => c.Name == name);
            Assert.Equal(made.Kind, column.Kind);
            Assert.Equal(made.IsKey, column.IsKey);
            Assert.Equal(made.ItemType, column.ItemType);
        }
        Assert.DoesNotContain(declared, c => c.Name == "Score");
        Assert.Contains(declared, c => c.Name == "LabelKey");

        // No seed in the options: the context's seed decides, as in ML.NET's own trainers.
        var again = Fit(7, "seven-again").Trainer.History.Single().TrainLoss;
        var other = Fit(8, "eight").Trainer.History.Single().TrainLoss;
        Assert.Equal(trainer.History.Single().TrainLoss, again, 6);
        Assert.NotEqual(trainer.History.Single().TrainLoss, other, 4);
    }

    // ML.NET makes a SchemaShape from a schema only internally (its own tests reach it as a friend assembly).
    static SchemaShape Shape(DataViewSchema schema) =>
        (SchemaShape)typeof(SchemaShape).GetMethod("Create", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!.Invoke(null, [schema])!;

    sealed class Row
    {
        public string ImagePath { get; set; } = "";
        public string Label { get; set; } = "";
    }
}
