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
            var images = Shuffled(folder, label, seed);
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

    /// <summary>
    /// Trains on <paramref name="train"/> and splits <paramref name="heldOut"/> into validation and test: each class
    /// shuffled with the seed as in <see cref="Stratified"/> and given its share of each count (the counts' totals may
    /// differ from the request by a rounding per class). Images beyond the two counts are not used.
    /// </summary>
    /// <param name="train">The training images, all of them.</param>
    /// <param name="heldOut">The folder split into validation and test; its classes must be the training folder's.</param>
    /// <param name="validation">Validation images; null for half of the folder.</param>
    /// <param name="test">Test images; null for the rest of the folder.</param>
    /// <param name="seed">Draws which images go where.</param>
    public static DatasetSplit HeldOut(ImageFolder train, ImageFolder heldOut, int? validation, int? test, int seed)
    {
        if (!heldOut.Classes.SequenceEqual(train.Classes))
            throw new Core.DataException($"the held-out folder's classes ({string.Join(", ", heldOut.Classes)}) differ from the train folder's ({string.Join(", ", train.Classes)})");
        var total = heldOut.Images.Count;
        var validationTotal = validation ?? total / 2;
        var testTotal = test ?? total - validationTotal;
        if (validationTotal + testTotal > total)
            throw new Core.DataException($"the held-out folder has {total} usable images, fewer than the {validationTotal} + {testTotal} asked for validation and test");
        var validationSet = new List<LabeledImage>();
        var testSet = new List<LabeledImage>();
        foreach (var label in heldOut.Classes)
        {
            var images = Shuffled(heldOut, label, seed);
            var validationCount = (int)Math.Round((double)validationTotal * images.Length / total);
            var testCount = Math.Max(1, (int)Math.Round((double)testTotal * images.Length / total));
            if (validationCount + testCount > images.Length)
                throw new Core.DataException($"class '{label}' of the held-out folder has {images.Length} usable image(s), fewer than its {validationCount} for validation and {testCount} for test");
            validationSet.AddRange(images[..validationCount]);
            testSet.AddRange(images[validationCount..(validationCount + testCount)]);
        }
        return new DatasetSplit(train.Classes, train.Images, validationSet, testSet, [.. train.Skipped, .. heldOut.Skipped]);
    }

    /// <summary>Every image with the name of its set, in a stable order.</summary>
    public IEnumerable<(string Set, LabeledImage Image)> All =>
        Train.Select(i => ("train", i)).Concat(Validation.Select(i => ("validation", i))).Concat(Test.Select(i => ("test", i)));

    // One generator per class, seeded from the class name too, so adding a class never reshuffles the others.
    static LabeledImage[] Shuffled(ImageFolder folder, string label, int seed)
    {
        var images = folder.Images.Where(i => i.Label == label).ToArray();
        new Random(HashCode(label) ^ seed).Shuffle(images);
        return images;
    }

    // string.GetHashCode is randomised per process; this one is stable.
    static int HashCode(string text) => text.Aggregate(17, (h, c) => unchecked(h * 31 + c));
}
