using System.Diagnostics;
using System.Globalization;
using MLNetTransfer.Experiments;
using MLNetTransfer.Tests.Support;

namespace MLNetTransfer.Tests.Experiments;

/// <summary>Fine-tuning ResNet18 on 400 real photos, then scoring its model.zip in another process.</summary>
public sealed class PetsFineTuneTests : IDisposable
{
    readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    [PetsKaggle500Fact]
    public void Fine_tuning_reaches_97_percent_and_a_fresh_process_scores_the_saved_model_the_same()
    {
        var config = folder.Write("pets.json", File.ReadAllText(Path.Combine(SharedDatasets.RepositoryRoot, "configs", "pets-fine-tune.json"))
            .Replace("\"../../shared/datasets/pets-kaggle-500\"", System.Text.Json.JsonSerializer.Serialize(Path.GetFullPath(SharedDatasets.PetsKaggle500)))
            .Replace("\"../runs\"", "\"runs\""));
        var result = new ExperimentRunner().Run(ExperimentConfigReader.Read(config));
        Assert.Equal(50, result.Metrics.Test.Count);
        Assert.True(result.Metrics.Test.Accuracy >= 0.97, $"test accuracy {result.Metrics.Test.Accuracy:P1} is below 97%");

        // `mlnet-transfer evaluate` in a new process loads model.zip with MLContext.Model.Load and scores the test set.
        var cli = Path.Combine(AppContext.BaseDirectory, "mlnet-transfer.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { cli, "evaluate", result.Folder }) start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, output + process.StandardError.ReadToEnd());
        Assert.Contains($"accuracy: {result.Metrics.Test.Accuracy.ToString("0.0000", CultureInfo.InvariantCulture)} on 50 images", output);
        var evaluation = Directory.GetDirectories(Path.Combine(result.Folder, "evaluations")).Single();
        var fresh = File.ReadAllLines(Path.Combine(evaluation, "predictions.csv"));
        var original = File.ReadAllLines(Path.Combine(result.Folder, "predictions.csv"));
        Assert.Equal(original.Length, fresh.Length);
        for (var i = 1; i < original.Length; i++)
        {
            string[] a = original[i].Split(','), b = fresh[i].Split(',');
            Assert.Equal(a[..3], b[..3]);
            Assert.Equal(double.Parse(a[3], CultureInfo.InvariantCulture), double.Parse(b[3], CultureInfo.InvariantCulture), 5);
        }
    }
}
