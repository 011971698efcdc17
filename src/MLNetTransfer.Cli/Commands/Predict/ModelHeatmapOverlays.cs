using Microsoft.ML;
using Microsoft.ML.Data;
using MLNetTransfer.Backbones.Export;
using MLNetTransfer.Core;
using MLNetTransfer.Experiments;
using MLNetTransfer.Imaging;

namespace MLNetTransfer.Cli.Commands.Predict;

/// <summary>
/// <c>predict --heatmaps</c>: an overlay per image drawn from what model.zip itself outputs, as an app would draw it: the
/// Heatmap column scaled to the model's input size, over the model's own crop of the photo (its pixel column). No
/// TorchSharp and no gradient: ML.NET and ONNX Runtime alone.
/// </summary>
sealed class ModelHeatmapOverlays
{
    readonly TrainedRun run;
    readonly string folder;
    readonly (int Height, int Width) size;
    readonly HashSet<string> names = new(StringComparer.OrdinalIgnoreCase);

    /// <exception cref="DataException">The run's model has no Heatmap column.</exception>
    public ModelHeatmapOverlays(TrainedRun run, string folder)
    {
        size = run.HeatmapSize ?? throw new DataException(
            $"{run.Folder.Path}: the model has no {HeatmapOutput.Name} column; add it with `mlnet-transfer export {run.Folder.Path} --heatmap`, or train with \"export\": {{ \"heatmap\": true }} in the config");
        this.run = run;
        this.folder = folder;
        Directory.CreateDirectory(folder);
    }

    /// <summary>The overlay files, one per image in order, once the predictions have been read.</summary>
    public List<string> Files { get; } = [];

    /// <summary>What <see cref="Evaluation.ClassifierEvaluator.Predictions"/> reads beside the predictions.</summary>
    public (IReadOnlyList<string> Columns, Func<DataViewRow, Action<int>> Reader) Reader(IReadOnlyList<string> images)
    {
        var backbone = run.Backbone;
        return ([backbone.PixelsName, HeatmapOutput.Name], row =>
        {
            var pixels = row.GetGetter<VBuffer<float>>(row.Schema[backbone.PixelsName]);
            var heatmap = row.GetGetter<VBuffer<float>>(row.Schema[HeatmapOutput.Name]);
            VBuffer<float> pixelValues = default, heatmapValues = default;
            // One buffer each for every photo: a photo's arrays are large objects, which the runtime frees late.
            var (rgb, map) = (new float[3 * backbone.Width * backbone.Height], new float[backbone.Width * backbone.Height]);
            return index =>
            {
                pixels(ref pixelValues);
                heatmap(ref heatmapValues);
                HeatmapOverlay.Upsample(heatmapValues.GetValues(), size.Height, size.Width, map, backbone.Height, backbone.Width);
                backbone.Rgb(pixelValues.GetValues(), rgb);
                var file = Path.Combine(folder, Name(images[index]));
                HeatmapOverlay.Write(file, rgb, map, backbone.Width, backbone.Height);
                Files.Add(file);
            };
        });
    }

    // The photo's name as a PNG; photos of the same name from different folders get -2, -3...
    string Name(string image)
    {
        var stem = FileNames.Safe(Path.GetFileNameWithoutExtension(image));
        var name = stem + ".png";
        for (var n = 2; !names.Add(name); n++) name = $"{stem}-{n}.png";
        return name;
    }
}
