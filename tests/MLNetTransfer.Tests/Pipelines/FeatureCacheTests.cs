using Microsoft.ML;
using Microsoft.ML.Data;
using MLNetTransfer.Backbones;
using MLNetTransfer.Core;
using MLNetTransfer.Data;
using MLNetTransfer.Pipelines;
using MLNetTransfer.Tests.Support;

namespace MLNetTransfer.Tests.Pipelines;

/// <summary>Feature extraction written in chunks, and resumed from them.</summary>
public sealed class FeatureCacheTests : IDisposable
{
    readonly TempFolder folder = new();
    readonly MLContext ml = new(seed: 1);

    public void Dispose() => folder.Dispose();

    [Fact]
    public void An_extraction_stopped_part_way_resumes_from_its_last_complete_chunk_and_gives_the_same_features()
    {
        SyntheticPets.Generate(folder["pets"], 10, 96, seed: 9);
        var images = ImageFolder.Scan(folder["pets"]).Images.Select(i => (i.Path, i.Label)).ToList();
        var backbone = BundledBackbones.ResNet18();
        using var featurizer = new BatchFeaturizer(ml, backbone, batchSize: 5);
        float[][] Features(IDataView data) => data.GetColumn<float[]>("Features").ToArray();
        var whole = Features(FeatureCache.Compute(ml, images, [new(featurizer, 1, null, "key")]));

        // Stopped at the 13th image: chunks of 4 rows hold 12 of them.
        var store = folder["store"];
        using var stop = new CancellationTokenSource();
        var first = new List<int>();
        FeatureCache.Source Source(List<int> seen) => new(featurizer, 1, () => new ImmediateProgress<int>(done =>
        {
            seen.Add(done);
            if (done == 13) stop.Cancel();
        }), "key");
        Assert.ThrowsAny<OperationCanceledException>(() => FeatureCache.Compute(ml, images, [Source(first)], stop.Token, store, chunkRows: 4));
        Assert.Equal(3, Directory.GetFiles(store, "*.part*").Length);
        Assert.Empty(Directory.GetFiles(store, "*.features"));

        // The next run computes only the images after the chunks, and ends with what an uninterrupted run has.
        var resumed = new List<int>();
        var features = Features(FeatureCache.Compute(ml, images, [Source(resumed)], default, store, chunkRows: 4));
        Assert.Equal(Enumerable.Range(13, images.Count - 12), resumed);
        Assert.Equal(whole, features);
        Assert.Empty(Directory.GetFiles(store, "*.part*"));
        Assert.Single(Directory.GetFiles(store, "*.features"));
    }
}
