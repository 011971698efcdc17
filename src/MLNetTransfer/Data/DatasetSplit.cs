namespace MLNetTransfer.Data;

/// <summary>The images of an experiment, divided into the three sets it uses.</summary>
public sealed record DatasetSplit(IReadOnlyList<string> Classes, IReadOnlyList<LabeledImage> Train, IReadOnlyList<LabeledImage> Validation, IReadOnlyList<LabeledImage> Test, IReadOnlyList<SkippedFile> Skipped)
{
    /// <summary>
    /// Splits each class separately (stratified) after a seeded shuffle, so every class keeps the same proportions and
    /// the same seed always gives the same split. Each class gets at least one training and one test image.
    /// </summary>
    public static DatasetSplit Stratified(ImageFolder folder, double train, double validation, int seed)
    {
        var trainSet = new List<LabeledImage>();
        var validationSet = new List<LabeledImage>();
        var testSet = new List<LabeledImage>();
        foreach (var label in folder.Classes)
        {
            var images = folder.Images.Where(i => i.Label == label).ToArray();
            // One generator per class, seeded from the class name too, so adding a class never reshuffles the others.
            new Random(HashCode(label) ^ seed).Shuffle(images);
            var n = images.Length;
            if (n < 2) throw new Core.DataException($"class '{label}' has {n} usable image(s); a split needs at least 2 (one to train, one to test)");
            var trainCount = Math.Clamp((int)Math.Round(n * train), 1, n - 1);
            var validationCount = Math.Clamp((int)Math.Round(n * validation), 0, n - trainCount - 1);
            trainSet.AddRange(images[..trainCount]);
            validationSet.AddRange(images[trainCount..(trainCount + validationCount)]);
            testSet.AddRange(images[(trainCount + validationCount)..]);
        }
        return new DatasetSplit(folder.Classes, trainSet, validationSet, testSet, folder.Skipped);
    }

    /// <summary>Uses three folders that are already split; they must hold the same classes.</summary>
    public static DatasetSplit Separate(ImageFolder train, ImageFolder validation, ImageFolder test)
    {
        foreach (var (name, other) in new[] { ("validation", validation), ("test", test) })
            if (!other.Classes.SequenceEqual(train.Classes))
                throw new Core.DataException($"the {name} folder's classes ({string.Join(", ", other.Classes)}) differ from the train folder's ({string.Join(", ", train.Classes)})");
        return new DatasetSplit(train.Classes, train.Images, validation.Images, test.Images, [.. train.Skipped, .. validation.Skipped, .. test.Skipped]);
    }

    /// <summary>Every image with the name of its set, in a stable order.</summary>
    public IEnumerable<(string Set, LabeledImage Image)> All =>
        Train.Select(i => ("train", i)).Concat(Validation.Select(i => ("validation", i))).Concat(Test.Select(i => ("test", i)));

    // string.GetHashCode is randomised per process; this one is stable.
    static int HashCode(string text) => text.Aggregate(17, (h, c) => unchecked(h * 31 + c));
}
