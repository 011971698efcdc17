using Microsoft.ML;
using MLNetTransfer.Core;
using MLNetTransfer.Imaging;
using MLNetTransfer.Training;
using SkiaSharp;

namespace MLNetTransfer.Experiments;

/// <summary>
/// <c>lr-find</c>: the loss of an exponential learning-rate sweep over the first phase of a config's training, and the
/// rate it suggests (<see cref="LearningRateSweep"/>), without training: fastai's <c>lr_find</c>. Writes
/// <see cref="LearningRateSweep.CsvFile"/> and <see cref="LearningRateSweep.PictureFile"/> into
/// <c>&lt;output&gt;/&lt;name&gt;/lr-find/&lt;timestamp&gt;/</c>; <c>train --lr-find</c> writes them into the run folder.
/// </summary>
public static class LearningRateFinder
{
    /// <summary>Sweeps the config's first phase on its training images.</summary>
    /// <returns>The folder written, and the sweep.</returns>
    /// <exception cref="ConfigException">A feature-extraction config: its ML.NET head has no learning rate.</exception>
    public static (string Folder, LearningRateSweep Sweep) Run(ExperimentDefinition definition, LearningRateSweepOptions? options = null,
        IProgress<RunProgress>? progress = null, CancellationToken cancellation = default)
    {
        var config = definition.Config;
        if (definition.Resolved.Kind is not NetworkRun network)
            throw new ConfigException(definition.ConfigPath, "mode",
                "feature-extraction fits an ML.NET L-BFGS head, which has no learning rate to find; lr-find sweeps frozen-base, fine-tune and from-scratch training");
        options ??= new LearningRateSweepOptions();
        options.Validate();
        var steps = new RunSteps(progress);
        var split = DatasetLoader.Load(definition, steps, cancellation);
        var folder = RunFolder.Create(Path.Combine(definition.Resolve(config.Output), config.Name), "lr-find", DateTime.UtcNow);
        // The backbone's files are needed while the sweep runs, not after it.
        var scratch = Directory.CreateTempSubdirectory("mlnet-transfer-lr-find-");
        try
        {
            var backbone = BackboneSetup.Place(definition, scratch.FullName);
            var run = new RunContext(new MLContext(config.Seed), definition, backbone, split, folder, resume: false, steps, cancellation);
            steps.Report("Preparing images and the frozen layers");
            var counter = steps.Counter($"Sweeping the learning rate from {options.StartRate:0e0} to {options.EndRate:0e0}", options.Steps);
            var sweep = network.Sweep(run, options, done => counter?.Report(done));
            Write(folder.Path, sweep);
            return (folder.Path, sweep);
        }
        catch
        {
            // A sweep that did not finish leaves no folder that looks like one that did.
            Directory.Delete(folder.Path, recursive: true);
            throw;
        }
        finally
        {
            scratch.Delete(recursive: true);
        }
    }

    /// <summary>The sweep kept in <paramref name="folder"/> (a run folder or lr-find's), or null where there is none.</summary>
    public static LearningRateSweep? Read(string folder)
    {
        var file = Path.Combine(folder, LearningRateSweep.CsvFile);
        return File.Exists(file) ? LearningRateSweep.Parse(File.ReadAllText(file)) : null;
    }

    /// <summary>Writes the sweep's CSV and its picture into <paramref name="folder"/>.</summary>
    public static void Write(string folder, LearningRateSweep sweep)
    {
        AtomicFile.WriteText(Path.Combine(folder, LearningRateSweep.CsvFile), sweep.Csv());
        AtomicFile.Write(Path.Combine(folder, LearningRateSweep.PictureFile), temporary => CurvePicture.Write(temporary,
            [
                (sweep.Points.Select(p => (p.Rate, p.Loss)).ToList(), new SKColor(190, 190, 190)),
                (sweep.Points.Select(p => (p.Rate, p.Smoothed)).ToList(), new SKColor(31, 119, 180)),
            ],
            (sweep.Suggested, $"suggested {sweep.Suggested:0.0e0} (valley)"),
            "Loss against learning rate (grey: each batch; blue: smoothed)", "learning rate", "training loss", sweep.LossRange));
    }
}
