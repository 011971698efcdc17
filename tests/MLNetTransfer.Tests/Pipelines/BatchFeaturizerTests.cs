using Microsoft.ML;
using Microsoft.ML.Data;
using MLNetTransfer.Backbones;
using MLNetTransfer.Core;
using MLNetTransfer.Data;
using MLNetTransfer.Pipelines;
using MLNetTransfer.Pipelines.Augmentation;
using MLNetTransfer.Tests.Support;

namespace MLNetTransfer.Tests.Pipelines;

/// <summary>Feature extraction in batches, fed by a decoding worker, against the saved model's chain photo by photo.</summary>
public sealed class BatchFeaturizerTests : IDisposable
{
    readonly TempFolder folder = new();
    readonly MLContext ml = new(seed: 4);

    public void Dispose() => folder.Dispose();

    [PetsKaggle500Fact]
    public void Real_photos_in_batches_get_the_features_that_model_zips_chain_computes_photo_by_photo()
    {
        var backbone = BundledBackbones.ResNet18();
        // Seven photos in batches of three: two full batches and one of a single photo.
        var photos = Directory.GetFiles(SharedDatasets.PetsKaggle500, "*.jpg", SearchOption.AllDirectories).Order().Take(7).ToList();
        using var batched = new BatchFeaturizer(ml, backbone, batchSize: 3);

        var features = batched.Features(photos, passes: 1).ToList();

        var chain = ml.Transforms.ExtractBackboneFeatures(backbone).Fit(ml.Data.LoadFromEnumerable(Array.Empty<ImageInput>()));
        Assert.Equal(chain.GetOutputSchema(FeatureCache.ImagePathSchema())["Features"].Type, batched.FeatureType);
        AssertClose(Chain(chain, photos, passes: 1), features);
    }

    [Fact]
    public void Augmented_copies_draw_anew_on_each_pass_as_the_chain_does()
    {
        SyntheticPets.Generate(folder["pets"], 3, 64, seed: 6);
        var photos = ImageFolder.Scan(folder["pets"]).Images.Select(i => i.Path).ToList();
        var backbone = SmallConvnet.Write(folder["convnet.onnx"], 64, 64, seed: 2);
        var options = new AugmentationOptions { RotationRange = 30, HorizontalFlip = true, ZoomRange = 0.2 };
        IEstimator<ITransformer> Pixels() => ml.Transforms.ExtractBackbonePixels(backbone, backbone.PixelsName)
            .Append(ml.Transforms.AugmentImages(backbone.PixelsName, backbone.Width, backbone.Height, options, seed: 8, backbone.Scale));
        using var batched = new BatchFeaturizer(ml, backbone, Pixels(), batchSize: 4);

        var features = batched.Features(photos, passes: 2).ToList();

        var chain = Pixels().Append(ml.Transforms.BackboneFeaturesFromPixels(backbone)).Fit(ml.Data.LoadFromEnumerable(Array.Empty<ImageInput>()));
        AssertClose(Chain(chain, photos, passes: 2), features);
        Assert.NotEqual(features[0], features[photos.Count]);

        // The same chain on the sessions of a plain featurizer, as feature extraction runs it: the same features, and
        // the plain featurizer still scores after the augmenting one is disposed.
        using var plain = new BatchFeaturizer(ml, backbone, batchSize: 4);
        var originals = plain.Features(photos, passes: 1).ToList();
        using (var augmenting = plain.WithPixels(Pixels()))
            AssertClose(features, augmenting.Features(photos, passes: 2).ToList());
        AssertClose(originals, plain.Features(photos, passes: 1).ToList());
    }

    [Fact]
    public void Augmented_passes_over_many_photos_make_no_image_sized_array_per_photo()
    {
        // 150 x 150 pixels are 270 KB of floats, above the large-object heap's 85 KB: one such array per photo is what
        // made an augmented feature extraction of the book's 2,000 photos peak over 3 GB.
        const int Side = 150, PerClass = 20, Passes = 2;
        SyntheticPets.Generate(folder["pets"], PerClass, Side, seed: 3);
        var photos = ImageFolder.Scan(folder["pets"]).Images.Select(i => i.Path).ToList();
        var backbone = SmallConvnet.Write(folder["convnet.onnx"], Side, Side, seed: 2);
        var options = new AugmentationOptions { RotationRange = 30, HorizontalFlip = true, ZoomRange = 0.2 };
        using var batched = new BatchFeaturizer(ml, backbone, ml.Transforms.ExtractBackbonePixels(backbone, backbone.PixelsName)
            .Append(ml.Transforms.AugmentImages(backbone.PixelsName, backbone.Width, backbone.Height, options, seed: 8, backbone.Scale)), batchSize: 2);
        _ = batched.Features(photos.Take(2).ToList(), passes: 1).ToList(); // opens the sessions

        var before = GC.GetTotalAllocatedBytes(precise: true);
        var features = batched.Features(photos, Passes).ToList();
        var perPhoto = (GC.GetTotalAllocatedBytes(precise: true) - before) / (double)features.Count;

        Assert.Equal(Passes * photos.Count, features.Count);
        var image = 3 * Side * Side * sizeof(float);
        Assert.True(perPhoto < image / 2, $"{perPhoto:N0} bytes allocated per augmented photo, against {image:N0} for its pixels");
    }

    [Fact]
    public void A_graph_that_reshapes_to_a_batch_of_one_is_scored_photo_by_photo_with_the_same_features()
    {
        SyntheticPets.Generate(folder["pets"], 3, 32, seed: 7);
        var photos = ImageFolder.Scan(folder["pets"]).Images.Select(i => i.Path).ToList();
        var path = folder["reshape.onnx"];
        new OnnxGraphBuilder("batch-of-one").Input("image", 1, 3, 8, 8)
            .ConstantInt64("shape", [2], [1, -1])
            .Node("Reshape", "flatten", ["image", "shape"], ["flat"])
            // Over the whole row: a batch scored as one row would mix its images.
            .Node("Softmax", "softmax", ["flat"], ["features"], new Dictionary<string, object> { ["axis"] = 1L })
            .Output("features", 1, 192).Save(path);
        var backbone = new Backbone("batch-of-one", new OnnxStage(path, "image", "features"), 8, 8, ChannelOrder.Rgb, 1f / 255, null);
        using var batched = new BatchFeaturizer(ml, backbone, batchSize: 4);

        var features = batched.Features(photos, passes: 1).ToList();

        AssertClose(Chain(ml.Transforms.ExtractBackboneFeatures(backbone).Fit(ml.Data.LoadFromEnumerable(Array.Empty<ImageInput>())), photos, 1), features);
    }

    // Each pass is a cursor of its own over one transformed view, as FeatureCache ran the chain before.
    List<float[]> Chain(ITransformer chain, IReadOnlyList<string> photos, int passes)
    {
        var view = chain.Transform(ml.Data.LoadFromEnumerable(photos.Select(p => new ImageInput { ImagePath = p })));
        return Enumerable.Range(0, passes).SelectMany(_ => view.GetColumn<float[]>("Features")).ToList();
    }

    // Equal to a millionth of the largest feature: ONNX Runtime computes each image of a batch alone (exactly equal on
    // the machines measured), but another CPU's kernels may order a sum differently for another batch size.
    static void AssertClose(IReadOnlyList<float[]> expected, IReadOnlyList<float[]> actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        var scale = expected.SelectMany(f => f).Max(Math.Abs);
        Assert.True(scale > 0, "the features are all zero");
        for (var i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i].Length, actual[i].Length);
            var difference = expected[i].Zip(actual[i]).Max(p => Math.Abs(p.First - p.Second));
            Assert.True(difference <= 1e-6 * scale, $"image {i}: features differ by {difference} (largest feature {scale})");
        }
    }
}
