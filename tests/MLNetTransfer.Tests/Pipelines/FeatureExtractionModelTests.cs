using System.IO.Compression;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLNetTransfer.Backbones;
using MLNetTransfer.Core;
using MLNetTransfer.Data;
using MLNetTransfer.Pipelines;
using MLNetTransfer.Tests.Support;

namespace MLNetTransfer.Tests.Pipelines;

public sealed class FeatureExtractionModelTests : IDisposable
{
    readonly TempFolder folder = new();
    readonly MLContext ml = new(seed: 3);

    public void Dispose() => folder.Dispose();

    [Fact]
    public void A_save_with_the_stored_featurizer_writes_what_MLNets_own_save_writes_without_building_the_featurizer()
    {
        var (featurizer, features, images) = Featurize();
        var store = folder["store"];
        Lazy<ITransformer> Never() => new(() => throw new InvalidOperationException("the featurizer was built"));

        // The first save builds the featurizer and keeps a copy; later saves of other heads take it from there.
        var first = Head(features, l2: 1f);
        FeatureExtractionModel.Save(ml, new(() => featurizer), "key", first, folder["first.zip"], store);
        Assert.Single(Directory.GetFiles(store, "*.model.zip"));
        var second = Head(features, l2: 0.01f);
        FeatureExtractionModel.Save(ml, Never(), "key", second, folder["second.zip"], store);

        ml.Model.Save(new TransformerChain<ITransformer>([featurizer, .. second]), FeatureCache.ImagePathSchema(), folder["whole.zip"]);
        Assert.Equal(Entries(folder["whole.zip"]), Entries(folder["second.zip"]));
        Assert.NotEqual(Entries(folder["first.zip"]), Entries(folder["second.zip"]));

        // It loads in a fresh context and scores an image path as the whole model does.
        var loaded = new MLContext().Model.Load(folder["second.zip"], out _);
        var whole = new MLContext().Model.Load(folder["whole.zip"], out _);
        var input = ml.Data.LoadFromEnumerable(images.Select(i => new ImageInput { ImagePath = i }));
        Assert.Equal(whole.Transform(input).GetColumn<float[]>("Score").SelectMany(s => s), loaded.Transform(input).GetColumn<float[]>("Score").SelectMany(s => s));
    }

    [Fact]
    public void Another_featurizer_or_a_damaged_stored_copy_is_saved_in_full()
    {
        var (featurizer, features, _) = Featurize();
        var head = Head(features, l2: 1f);
        var store = folder["store"];
        var built = 0;
        Lazy<ITransformer> Counted() => new(() => { built++; return featurizer; });

        FeatureExtractionModel.Save(ml, Counted(), "key", head, folder["a.zip"], store);
        FeatureExtractionModel.Save(ml, Counted(), "another key", head, folder["b.zip"], store);
        Assert.Equal(2, built);
        Assert.Equal(2, Directory.GetFiles(store, "*.model.zip").Length);

        foreach (var stored in Directory.GetFiles(store, "*.model.zip")) File.WriteAllBytes(stored, [1, 2, 3]);
        FeatureExtractionModel.Save(ml, Counted(), "key", head, folder["c.zip"], store);
        Assert.Equal(3, built);
        Assert.Equal(Entries(folder["a.zip"]), Entries(folder["c.zip"]));
        // The damaged copy was replaced: the next save finds it.
        FeatureExtractionModel.Save(ml, Counted(), "key", head, folder["d.zip"], store);
        Assert.Equal(3, built);
        Assert.Equal(Entries(folder["a.zip"]), Entries(folder["d.zip"]));
    }

    // A small convnet's features of a few generated photos, as a feature-extraction run computes them.
    (ITransformer Featurizer, IDataView Features, string[] Images) Featurize()
    {
        SyntheticPets.Generate(folder["data"], 4, 64, seed: 2);
        var images = SyntheticPets.Classes.SelectMany(c => Directory.GetFiles(folder[$"data/{c}"]).Order()).ToArray();
        var backbone = SmallConvnet.Write(folder["convnet.onnx"], 64, 64, seed: 5);
        var featurizer = ml.Transforms.ExtractBackboneFeatures(backbone).Fit(ml.Data.LoadFromEnumerable(Array.Empty<ImageInput>()));
        var labelled = images.Select(i => (i, Path.GetFileName(Path.GetDirectoryName(i))!)).ToList();
        using var batched = new BatchFeaturizer(ml, backbone);
        var features = FeatureCache.Compute(ml, labelled, [new(batched, 1, null)]);
        return (featurizer, features, images);
    }

    // The head a feature-extraction run trains: label keys, maximum entropy, key back to the class name.
    ITransformer[] Head(IDataView features, float l2)
    {
        var keyed = ml.Transforms.Conversion.MapValueToKey("LabelKey", "Label").Fit(features).Transform(features);
        var head = ml.MulticlassClassification.Trainers.LbfgsMaximumEntropy("LabelKey", "Features", l2Regularization: l2).Fit(keyed);
        var names = ml.Transforms.Conversion.MapKeyToValue("PredictedLabel").Fit(head.Transform(keyed));
        return [head, names];
    }

    // Every entry's name and uncompressed bytes: what ML.NET reads back.
    static SortedDictionary<string, string> Entries(string zip)
    {
        using var archive = ZipFile.OpenRead(zip);
        return new(archive.Entries.ToDictionary(e => e.FullName, e =>
        {
            using var stream = e.Open();
            using var bytes = new MemoryStream();
            stream.CopyTo(bytes);
            return Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(bytes.ToArray()));
        }), StringComparer.Ordinal);
    }
}
