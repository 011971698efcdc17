using MLNetTransfer.Data;

namespace MLNetTransfer.Tests.Data;

public class DatasetSplitTests
{
    static ImageFolder Folder(int cats, int dogs) => new("/data", ["cat", "dog"],
        [.. Enumerable.Range(0, cats).Select(i => new LabeledImage($"/data/cat/{i}.jpg", "cat", 100 + i)),
         .. Enumerable.Range(0, dogs).Select(i => new LabeledImage($"/data/dog/{i}.jpg", "dog", 200 + i))], []);

    [Fact]
    public void Each_class_is_split_in_the_configured_proportions()
    {
        var split = DatasetSplit.Stratified(Folder(100, 40), 0.8, 0.1, seed: 1);
        Assert.Equal(80, split.Train.Count(i => i.Label == "cat"));
        Assert.Equal(32, split.Train.Count(i => i.Label == "dog"));
        Assert.Equal(10, split.Validation.Count(i => i.Label == "cat"));
        Assert.Equal(4, split.Validation.Count(i => i.Label == "dog"));
        Assert.Equal(10, split.Test.Count(i => i.Label == "cat"));
        Assert.Equal(4, split.Test.Count(i => i.Label == "dog"));
        Assert.Equal(140, split.All.Select(x => x.Image.Path).Distinct().Count());
    }

    [Fact]
    public void The_same_seed_gives_the_same_split_and_another_seed_another()
    {
        var one = DatasetSplit.Stratified(Folder(50, 50), 0.8, 0.1, seed: 3);
        var again = DatasetSplit.Stratified(Folder(50, 50), 0.8, 0.1, seed: 3);
        var other = DatasetSplit.Stratified(Folder(50, 50), 0.8, 0.1, seed: 4);
        Assert.Equal(one.Test.Select(i => i.Path), again.Test.Select(i => i.Path));
        Assert.NotEqual(one.Test.Select(i => i.Path), other.Test.Select(i => i.Path));
        Assert.Equal(DatasetFingerprint.Of(one, "/data"), DatasetFingerprint.Of(again, "/data"));
        Assert.NotEqual(DatasetFingerprint.Of(one, "/data"), DatasetFingerprint.Of(other, "/data"));
    }

    [Fact]
    public void A_class_too_small_to_split_is_named()
    {
        var e = Assert.Throws<MLNetTransfer.Core.DataException>(() => DatasetSplit.Stratified(Folder(10, 1), 0.8, 0.1, seed: 1));
        Assert.Contains("class 'dog' has 1 usable image(s)", e.Message);
    }
}
