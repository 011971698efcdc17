namespace MLNetTransfer.Pipelines;

/// <summary>
/// A single-pass extraction's features, written every <paramref name="rows"/> rows beside the stored file they will
/// make (<c>NAME.partNNNNN</c>, each a <see cref="FeatureFile"/>), so an extraction that is killed resumes from its last
/// complete chunk. The chunks are found by the stored file's name, which already says which images, as they are now.
/// </summary>
sealed class FeatureChunks(string file, int rows, IReadOnlyList<int> dimensions)
{
    readonly int rows = rows >= 1 ? rows : throw new ArgumentOutOfRangeException(nameof(rows), rows, "a chunk holds at least one row");

    string Chunk(int index) => $"{file}.part{index:D5}";

    /// <summary>The features of the complete chunks, in order, up to the first one missing or unreadable.</summary>
    public List<float[]> ReadDone(int total)
    {
        var features = new List<float[]>(total);
        for (var index = 0; features.Count < total; index++)
        {
            var stored = FeatureFile.TryRead(Chunk(index), Math.Min(rows, total - features.Count));
            if (stored is null || !stored.Dimensions.SequenceEqual(dimensions)) break;
            features.AddRange(stored.Rows);
        }
        return features;
    }

    /// <summary>Writes the last chunk when <paramref name="features"/> has just completed one.</summary>
    public void Added(List<float[]> features)
    {
        if (features.Count % rows != 0) return;
        var index = features.Count / rows - 1;
        FeatureFile.Write(Chunk(index), features.GetRange(index * rows, rows), dimensions);
    }

    /// <summary>Removes the chunks once the whole file is written.</summary>
    public void Delete()
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(file))!;
        foreach (var chunk in Directory.EnumerateFiles(folder, Path.GetFileName(file) + ".part*")) File.Delete(chunk);
    }
}
