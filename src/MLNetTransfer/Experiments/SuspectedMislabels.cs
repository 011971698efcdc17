using Microsoft.ML;
using MLNetTransfer.Core;
using MLNetTransfer.Data;
using MLNetTransfer.Evaluation;
using MLNetTransfer.Pipelines;

namespace MLNetTransfer.Experiments;

/// <summary>
/// The training photos whose given label a head that never saw them finds least likely: out-of-fold predictions
/// (<see cref="OutOfFoldPredictions"/>) on the backbone's stored features, ranked by the probability of the given
/// label, lowest first. fastai's cleaner and cleanlab look there for mislabelled photos. Feature-extraction runs write
/// them while they train (their features are in memory then); for frozen-base and fine-tune runs they are computed on
/// the pretrained backbone's features when first asked for. Kept in the run folder as <see cref="FileName"/>, in the
/// format of predictions.csv, most suspect first.
/// </summary>
public static class SuspectedMislabels
{
    public const string FileName = "suspects.csv";

    /// <summary>The probability a prediction gives the image's given label.</summary>
    public static float GivenLabelProbability(Prediction prediction, IReadOnlyList<string> classes)
    {
        var label = prediction.Label ?? throw new ArgumentException($"{prediction.ImagePath} has no given label", nameof(prediction));
        for (var i = 0; i < classes.Count; i++)
            if (classes[i] == label) return prediction.Scores[i];
        return 0;
    }

    /// <summary>The predictions, least likely given label first (ties in file order).</summary>
    public static IReadOnlyList<Prediction> Rank(IEnumerable<Prediction> outOfFold, IReadOnlyList<string> classes) =>
        outOfFold.Select(p => (Prediction: p, Given: GivenLabelProbability(p, classes))).OrderBy(p => p.Given)
            .ThenBy(p => p.Prediction.ImagePath, StringComparer.Ordinal).Select(p => p.Prediction).ToList();

    /// <summary>
    /// The run's ranked training photos: read from <see cref="FileName"/>, or computed and written there first. The
    /// computation extracts the training photos' features where the run's feature store does not hold them already.
    /// </summary>
    /// <param name="run">A finished run.</param>
    /// <param name="progress">Made when extraction starts: told the count of photos done.</param>
    /// <param name="cancellation">Stops between photos and folds; nothing is written then.</param>
    /// <exception cref="DataException">A run trained from scratch: it has no pretrained features to fold.</exception>
    public static IReadOnlyList<Prediction> Of(TrainedRun run, Func<IProgress<int>?>? progress = null, CancellationToken cancellation = default)
    {
        var file = run.Folder.File(FileName);
        if (File.Exists(file)) return PredictionsCsv.Parse(File.ReadAllText(file));
        if (run.Record.Mode == TrainingMode.FromScratch)
            throw new DataException($"{run.Folder.Path}: a network trained from scratch has no pretrained features for heads to be fitted on fold by fold, " +
                                    "so it has no suspected mislabels; a feature-extraction run on the same dataset finds them");
        var head = run.Record.Mode == TrainingMode.FeatureExtraction ? ModeDefaults.HeadOf(run.Folder.ReadJson<ExperimentConfig>(RunFolder.ConfigFile)) : new HeadConfig();
        // Training photos removed or damaged since the run cannot be scored; the rest can.
        var (images, _) = ImageFolder.Usable(run.Folder.ReadJson<DatasetFiles>(RunFolder.DatasetFile).Train, i => i.Path, "the run's training set");
        using var featurizer = new BatchFeaturizer(run.Ml, run.Backbone);
        var features = FeatureCache.Compute(run.Ml, images.Select(i => (i.Path, i.Label)).ToList(),
            [new(featurizer, 1, progress, FeatureExtractionRun.FeaturesKey(run.Backbone))], cancellation, run.Folder.FeatureStore);
        var ranked = Rank(OutOfFoldPredictions.Compute(run.Ml, features, images, run.Classes, head with { AugmentedCopies = 0 }, run.Record.Seed, cancellation), run.Classes);
        Write(run.Folder, ranked, run.Classes);
        return ranked;
    }

    /// <summary>Writes ranked predictions to the run's <see cref="FileName"/>.</summary>
    internal static void Write(RunFolder folder, IReadOnlyList<Prediction> ranked, IReadOnlyList<string> classes) =>
        folder.WriteText(FileName, PredictionsCsv.Format(ranked, classes));
}
