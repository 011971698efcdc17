using System.ComponentModel;
using System.Globalization;
using System.Text.Json;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLNetTransfer.Backbones;
using MLNetTransfer.Backbones.Import;
using MLNetTransfer.Cli.Benchmarks;
using MLNetTransfer.Core;
using MLNetTransfer.Data;
using MLNetTransfer.Pipelines;
using MLNetTransfer.Training;
using Spectre.Console;
using Spectre.Console.Cli;
using static TorchSharp.torch;

namespace MLNetTransfer.Cli.Commands.Bench;

/// <summary><c>mlnet-transfer bench [--data DIR] [--batch N] [--seconds S] [--only GROUP]</c>: every speed figure beside its reference.</summary>
public sealed class BenchCommand(IAnsiConsole console) : GuardedCommand<BenchCommand.Settings>(console)
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--data <DIR>")]
        [Description("Images to measure on (searched recursively); the re-run figures train on all of them, one class per sub-folder. Default: a generated synthetic set.")]
        public string? Data { get; init; }

        [CommandOption("--images <N>")]
        [Description("How many of them: feature extraction and each training epoch use this many.")]
        [DefaultValue(64)]
        public int Images { get; init; } = 64;

        [CommandOption("--batch <N>")]
        [Description("Batch size of the training step (and images per Grad-CAM and filter ascent call: at most 8).")]
        [DefaultValue(16)]
        public int Batch { get; init; } = 16;

        [CommandOption("--seconds <S>")]
        [Description("Time spent on each measurement; each reports the median of its runs.")]
        [DefaultValue(10.0)]
        public double Seconds { get; init; } = 10;

        [CommandOption("--only <GROUP>")]
        [Description("Measure one group: extraction, rerun, training or explanation. Default: all of them.")]
        public string? Only { get; init; }

        [CommandOption("--json <FILE>")]
        [Description("Also write the figures as JSON.")]
        public string? Json { get; init; }

        public override ValidationResult Validate() =>
            Images < 8 ? ValidationResult.Error("--images must be at least 8")
            : Batch < 1 ? ValidationResult.Error("--batch must be positive")
            : Seconds <= 0 ? ValidationResult.Error("--seconds must be positive")
            : Only is not null && !Groups.Contains(Only) ? ValidationResult.Error($"--only {Only}: the groups are {string.Join(", ", Groups)}")
            : ValidationResult.Success();

        public bool Measures(string group) => Only is null || Only == group;
    }

    static readonly string[] Groups = ["extraction", "rerun", "training", "explanation"];

    protected override int Run(Settings settings, CancellationToken cancellation)
    {
        TorchRuntime.EnsureStarted();
        using var generated = settings.Data is null ? new GeneratedImages() : null;
        var root = settings.Data ?? generated!.Root;
        var images = ImageFolder.FilesIn([root]).Order(StringComparer.Ordinal).Take(settings.Images).ToList();
        if (images.Count < 8) throw new DataException($"--data {root}: found {images.Count} images; the bench needs at least 8");
        var backbone = BundledBackbones.ResNet18();
        Console.MarkupLine($"[grey]{images.Count} images from {Markup.Escape(Path.GetFullPath(root))}, batch {settings.Batch}, " +
                           $"{get_num_threads()} TorchSharp threads, {Environment.ProcessorCount} logical cores, {settings.Seconds:0.#} s per figure[/]");

        var gflops = ArithmeticLimit.MeasureGflops(settings.Seconds / 2);
        double forwardGflop;
        using (var graph = OnnxGraphModule.Load(backbone.Model.Path)) forwardGflop = ArithmeticLimit.ForwardGflop(graph, [1, 3, backbone.Height, backbone.Width]);
        var (inferenceLimit, trainingLimit) = (gflops / forwardGflop, gflops / (3 * forwardGflop));
        Console.MarkupLine($"[grey]matrix multiply {gflops:0} GFLOP/s; ResNet18 {forwardGflop:0.00} GFLOP forward per image: arithmetic limit " +
                           $"{inferenceLimit:0} images/s inference, {trainingLimit:0} training (3 x forward)[/]");
        // The trainer's default precision may not be float32: its limit then comes from that type's arithmetic.
        var precision = new TrainingSettings().Precision.Resolve();
        var bfloat16Gflops = precision == TrainingPrecision.MixedBFloat16 ? ArithmeticLimit.MeasureGflops(settings.Seconds / 2, ScalarType.BFloat16) : (double?)null;
        var defaultTrainingLimit = bfloat16Gflops is { } fast ? fast / (3 * forwardGflop) : trainingLimit;
        if (bfloat16Gflops is not null)
            Console.MarkupLine($"[grey]bfloat16 matrix multiply {bfloat16Gflops:0} GFLOP/s: arithmetic limit {defaultTrainingLimit:0} images/s training[/]");

        var measurements = new List<Measurement>();
        void Add(IEnumerable<Measurement> figures)
        {
            cancellation.ThrowIfCancellationRequested();
            measurements.AddRange(figures);
        }
        if (settings.Measures("extraction"))
        {
            Add(FeatureExtractionBench.Run(backbone, images, settings.Seconds, inferenceLimit));
            Add([ModelHeatmapBench.Run(backbone, images, settings.Seconds)]);
        }
        if (settings.Measures("rerun"))
        {
            try
            {
                Add(RerunBench.Run(root, cancellation));
            }
            catch (DataException e)
            {
                // Any folder of images serves the other figures; this one needs an experiment's class sub-folders.
                Console.MarkupLine($"[yellow]re-run figures skipped: {Markup.Escape(e.Message)}[/]");
            }
        }
        if (settings.Measures("training") || settings.Measures("explanation"))
        {
            using var inputs = Prepare(backbone, images);
            if (settings.Measures("training"))
                Add(TrainingBench.Run(backbone.Model.Path, inputs, settings.Batch, settings.Seconds, precision, trainingLimit, defaultTrainingLimit));
            using var explained = inputs.narrow(0, 0, Math.Min(8, settings.Batch));
            if (settings.Measures("explanation")) Add(ExplanationBench.Run(backbone.Model.Path, explained, settings.Seconds));
        }

        var table = new Table().Border(TableBorder.Rounded).AddColumns("measurement", "rate", "reference", "ratio", "peak memory");
        foreach (var m in measurements)
        {
            var references = m.References.Count == 0 ? [("", double.NaN)] : m.References.Select(r => (r.Key, r.Value)).ToList();
            for (var i = 0; i < references.Count; i++)
            {
                var (name, value) = references[i];
                table.AddRow(i == 0 ? Markup.Escape(m.Name) : "", i == 0 ? $"{Rate(m.Rate)} {m.Unit}" : "",
                    double.IsNaN(value) ? "" : $"{Markup.Escape(name)}: {Rate(value)}", double.IsNaN(value) ? "" : $"{Ratio(m.Rate / value)}x",
                    i == 0 ? $"{m.PeakMegabytes:0} MB" : "");
            }
        }
        Console.Write(table);
        // Slow rates keep their digits: Score-CAM's 0.03 photos/s is not 0.0.
        static string Rate(double rate) => rate.ToString(rate >= 1 ? "0.0" : "0.00#", CultureInfo.InvariantCulture);
        static string Ratio(double ratio) => ratio.ToString(ratio >= 0.01 ? "0.00" : "0.000#", CultureInfo.InvariantCulture);
        if (settings.Json is { } json)
            File.WriteAllText(json, JsonSerializer.Serialize(new { gflops, bfloat16Gflops, forwardGflop, inferenceLimit, trainingLimit, defaultTrainingLimit, measurements }, new JsonSerializerOptions { WriteIndented = true }));
        return ExitCodes.Success;
    }

    // The backbone's inputs (pixels through the preprocessing graph) as one tensor, as the trainer holds them.
    static Tensor Prepare(Backbone backbone, IReadOnlyList<string> images)
    {
        var ml = new MLContext(1);
        var data = ml.Data.LoadFromEnumerable(images.Select(i => new ImageInput { ImagePath = i }));
        var pixels = ml.Transforms.PrepareBackboneInput(backbone, "Pixels").Fit(data).Transform(data).GetColumn<float[]>("Pixels");
        return tensor(pixels.SelectMany(p => p).ToArray(), [images.Count, 3, backbone.Height, backbone.Width]);
    }

    // A synthetic set in a temporary folder, removed afterwards.
    sealed class GeneratedImages : IDisposable
    {
        public GeneratedImages() => SyntheticPets.Generate(Root, imagesPerClass: 32, imageSize: 256, seed: 1);

        public string Root { get; } = Path.Combine(Path.GetTempPath(), "mlnet-transfer-bench-" + Guid.NewGuid().ToString("N")[..8]);

        public void Dispose() => Directory.Delete(Root, recursive: true);
    }
}
