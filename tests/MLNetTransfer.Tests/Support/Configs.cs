using MLNetTransfer.Experiments;

namespace MLNetTransfer.Tests.Support;

/// <summary>Writes experiment configs for tests.</summary>
public static class Configs
{
    /// <summary>
    /// A config on a small generated dataset in <paramref name="folder"/>; <paramref name="head"/> null leaves the field
    /// out (modes that train a TorchSharp head refuse it); <paramref name="extra"/> adds top-level fields.
    /// </summary>
    public static string Synthetic(TempFolder folder, int imagesPerClass = 12, string? head = """{ "trainer": "lbfgs-maximum-entropy" }""", string extra = "") =>
        folder.Write("configs/experiment.json", $$"""
            {
              "name": "synthetic-test",
              "seed": 7,
              "dataset": {
                "root": "../data/synthetic",
                "synthetic": { "imagesPerClass": {{imagesPerClass}}, "imageSize": 128, "seed": 3 },
                "split": { "train": 0.5, "validation": 0.25, "test": 0.25 }
              },
              {{(head is null ? "" : $"\"head\": {head},")}}
              {{extra}}
              "output": "../runs"
            }
            """);

    /// <summary>A feature-extraction config on four generated classes (bear, cat, dog, rabbit), calibrated by a temperature.</summary>
    public static string FourClasses(TempFolder folder, int imagesPerClass) =>
        folder.Write("configs/four.json", $$"""
            {
              "name": "four",
              "seed": 7,
              "dataset": {
                "root": "../data/four",
                "synthetic": { "imagesPerClass": {{imagesPerClass}}, "imageSize": 128, "seed": 3, "classes": 4 },
                "split": { "train": 0.5, "validation": 0.25, "test": 0.25 }
              },
              "calibration": "temperature",
              "output": "../runs"
            }
            """);

    public static ExperimentDefinition Read(string path) => ExperimentConfigReader.Read(path);
}
