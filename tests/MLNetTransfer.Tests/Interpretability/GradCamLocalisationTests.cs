using Microsoft.ML;
using Microsoft.ML.Data;
using MLNetTransfer.Backbones;
using MLNetTransfer.Backbones.Import;
using MLNetTransfer.Core;
using MLNetTransfer.Experiments;
using MLNetTransfer.Interpretability;
using MLNetTransfer.Interpretability.Cam;
using MLNetTransfer.Interpretability.Metrics;
using MLNetTransfer.Pipelines;
using MLNetTransfer.Tests.Support;
using MLNetTransfer.Training;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace MLNetTransfer.Tests.Interpretability;

/// <summary>Where Grad-CAM looks: on real photos whose animals are outlined by masks, and on the synthetic heads' boxes.</summary>
public sealed class GradCamLocalisationTests(ITestOutputHelper output) : IDisposable
{
    readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    [OxfordPetsFact]
    public void Grad_cam_of_a_model_trained_on_kaggle_photos_points_at_the_animals_of_oxford_photos()
    {
        TorchRuntime.EnsureStarted();
        var config = folder.Write("pets.json", $$"""
            { "name": "pets", "seed": 42, "output": "runs",
              "dataset": { "root": {{System.Text.Json.JsonSerializer.Serialize(Path.GetFullPath(SharedDatasets.PetsKaggle500))}} } }
            """);
        var run = new ExperimentRunner().Run(ExperimentConfigReader.Read(config));

        var ml = new MLContext();
        var model = ml.Model.Load(Path.Combine(run.Folder, "model.zip"), out _);
        var backbone = BundledBackbones.ResNet18();
        using var network = new TransferNetwork(OnnxGraphModule.Load(backbone.Model.Path), LinearHeadReader.Read(model));
        network.eval();
        var layer = ExplainedLayer.Default(network.Backbone);

        var photos = Directory.GetFiles(Path.Combine(SharedDatasets.OxfordPetsDev, "cat"))
            .Concat(Directory.GetFiles(Path.Combine(SharedDatasets.OxfordPetsDev, "dog"))).Order(StringComparer.Ordinal).ToList();
        var masks = photos.Select(p => Path.Combine(SharedDatasets.OxfordPetsDev, "masks", Path.GetFileNameWithoutExtension(p) + ".png")).ToList();
        // Photos and masks go through the same ML.NET resize and centre crop, so they stay aligned.
        float[][] Pixels(IEnumerable<string> files, IEstimator<ITransformer> chain)
        {
            var data = ml.Data.LoadFromEnumerable(files.Select(f => new ImageInput { ImagePath = f }));
            return chain.Fit(data).Transform(data).GetColumn<float[]>("Pixels").ToArray();
        }
        var inputs = Pixels(photos, ml.Transforms.PrepareBackboneInput(backbone, "Pixels"));
        var maskPixels = Pixels(masks, ml.Transforms.ExtractBackbonePixels(backbone with { Preprocessor = null }, "Pixels"));

        var peaks = 0;
        var heat = 0.0;
        var coverage = 0.0;
        var deletions = new List<(double Original, double Salient, double Random)>();
        for (var start = 0; start < photos.Count; start += 16)
        {
            using var scope = NewDisposeScope();
            var count = Math.Min(16, photos.Count - start);
            var batch = tensor(inputs.Skip(start).Take(count).SelectMany(p => p).ToArray(), [count, 3, 224, 224]);
            var (heatmaps, classes) = new GradCam().Compute(network, batch, layer);
            deletions.AddRange(DeletionTest.Run(x => nn.functional.softmax(network.forward(x), 1), batch, heatmaps, classes, seed: start));
            for (var i = 0; i < count; i++)
            {
                var mask = tensor(maskPixels[start + i][..(224 * 224)], [224, 224]) / 255f;
                if (Localisation.PeakInside(heatmaps[i], mask)) peaks++;
                heat += Localisation.HeatInside(heatmaps[i], mask);
                coverage += (mask > 0.5f).to_type(float32).mean().item<float>();
            }
        }
        var peakShare = (double)peaks / photos.Count;
        var heatShare = heat / photos.Count;
        var (salient, random) = (deletions.Average(d => d.Salient), deletions.Average(d => d.Random));
        output.WriteLine($"Grad-CAM on {photos.Count} oxford-pets-dev photos: peak inside the animal {peakShare:P1}, heat inside {heatShare:P1} (masks cover {coverage / photos.Count:P1}); " +
                         $"blurring the top 20% of the map lowers the class probability by {salient:0.000} on average, 20% random pixels by {random:0.000}");
        Assert.True(salient > random, $"deletion: salient pixels {salient:0.000} vs random {random:0.000}");
        Assert.True(peakShare >= 0.85, $"peak inside the animal for {peakShare:P1} of photos");
        Assert.True(heatShare >= 0.60, $"{heatShare:P1} of the heat inside the animal");
    }

    [Fact]
    public void Grad_cam_points_at_the_drawn_heads_of_the_synthetic_set()
    {
        TorchRuntime.EnsureStarted();
        var run = new ExperimentRunner().Run(ExperimentConfigReader.Read(Configs.Synthetic(folder, imagesPerClass: 60)));
        var ml = new MLContext();
        var model = ml.Model.Load(Path.Combine(run.Folder, "model.zip"), out _);
        var backbone = BundledBackbones.ResNet18();
        using var network = new TransferNetwork(OnnxGraphModule.Load(backbone.Model.Path), LinearHeadReader.Read(model));

        // The generated images are square, so resizing to 224 keeps each box: scale it by 224 / 128.
        var root = folder["data/synthetic"];
        var boxes = MLNetTransfer.Data.SyntheticPets.ReadBoxes(root);
        var test = run.Metrics.Test.Count;
        var images = TrainedRun.Open(run.Folder).TestImages;
        var data = ml.Data.LoadFromEnumerable(images.Select(i => new ImageInput { ImagePath = i.Path }));
        var inputs = ml.Transforms.PrepareBackboneInput(backbone, "Pixels").Fit(data).Transform(data).GetColumn<float[]>("Pixels").ToArray();
        using var scope = NewDisposeScope();
        var batch = tensor(inputs.SelectMany(p => p).ToArray(), [test, 3, 224, 224]);
        foreach (var method in new CamMethod[] { new GradCam(), new GradCamPlusPlus() })
        {
            var (heatmaps, _) = method.Compute(network, batch, ExplainedLayer.Default(network.Backbone));
            int peaks = 0;
            double heat = 0, coverage = 0;
            for (var i = 0; i < test; i++)
            {
                var box = boxes[Path.GetRelativePath(root, images[i].Path).Replace('\\', '/')];
                var mask = zeros(224, 224);
                int Scale(int v) => (int)Math.Round(v * 224.0 / 128);
                mask[TensorIndex.Slice(Scale(box.Top), Scale(box.Bottom)), TensorIndex.Slice(Scale(box.Left), Scale(box.Right))] = tensor(1f);
                if (Localisation.PeakInside(heatmaps[i], mask)) peaks++;
                heat += Localisation.HeatInside(heatmaps[i], mask);
                coverage += mask.mean().item<float>();
            }
            output.WriteLine($"{method.Name} on {test} synthetic test images: peak inside the head's box {(double)peaks / test:P1}, heat inside {heat / test:P1} (boxes cover {coverage / test:P1})");
            Assert.True((double)peaks / test >= 0.85, $"{method.Name}: peak inside the box for {(double)peaks / test:P1} of images");
            // At least twice what a flat map scores (the boxes' share of the image); Grad-CAM, the default, also 60%.
            Assert.True(heat / test >= 2 * coverage / test, $"{method.Name}: {heat / test:P1} of the heat inside boxes covering {coverage / test:P1}");
            if (method is GradCam) Assert.True(heat / test >= 0.60, $"{method.Name}: {heat / test:P1} of the heat inside the box");
        }
    }
}
