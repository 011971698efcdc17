using Microsoft.ML;
using MLNetTransfer.Evaluation;
using MLNetTransfer.Experiments;
using MLNetTransfer.Tests.Support;

namespace MLNetTransfer.Tests.Experiments;

/// <summary>Accuracy on real photos: the bundled ResNet18 with an L-BFGS head on 500 Kaggle cats and dogs.</summary>
public sealed class PetsKaggle500Tests : IDisposable
{
    readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    [PetsKaggle500Fact]
    public void Feature_extraction_reaches_95_percent_and_the_saved_model_gives_the_same_predictions()
    {
        var config = folder.Write("pets.json", $$"""
            {
              "name": "pets",
              "seed": 42,
              "dataset": { "root": {{System.Text.Json.JsonSerializer.Serialize(Path.GetFullPath(SharedDatasets.PetsKaggle500))}},
                           "split": { "train": 0.8, "validation": 0.1, "test": 0.1 } },
              "backbone": { "name": "resnet18" },
              "head": { "trainer": "lbfgs-maximum-entropy" },
              "output": "runs"
            }
            """);
        var result = new ExperimentRunner().Run(ExperimentConfigReader.Read(config));
        Assert.Equal(50, result.Metrics.Test.Count);
        Assert.True(result.Metrics.Test.Accuracy >= 0.95, $"test accuracy {result.Metrics.Test.Accuracy:P1} is below 95%");
        Assert.True(result.Metrics.Test.Auc >= 0.97, $"test AUC {result.Metrics.Test.Auc:0.000}");

        var ml = new MLContext();
        var model = ml.Model.Load(Path.Combine(result.Folder, "model.zip"), out _);
        var run = TrainedRun.Open(result.Folder);
        var reloaded = ClassifierEvaluator.Predict(ml, model, run.TestImages.Select(i => (i.Path, (string?)i.Label)).ToList());
        var saved = File.ReadAllLines(Path.Combine(result.Folder, "predictions.csv")).Skip(1).ToList();
        Assert.Equal(saved, PredictionsCsv.Format(reloaded, run.Classes).Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries).Skip(1));
    }
}
