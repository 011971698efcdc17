namespace MLNetTransfer.Pipelines;

/// <summary>
/// Feature vectors on disk: a format mark, the row count, the vector's dimensions as the featurizer typed them, then the
/// floats, little-endian. The dimensions let a run that finds every feature stored type its column without building the
/// featurizer.
/// </summary>
internal static class FeatureFile
{
    // Files of the earlier format (row count and length only) fail this check and are computed again.
    const int Format = 0x3246544E; // "NTF2"

    /// <summary>Features read back: one array per row, and the dimensions of the vector type they came from.</summary>
    public sealed record Stored(List<float[]> Rows, int[] Dimensions);

    /// <summary>Writes through a temporary file, so an interrupted write never leaves a file that reads as complete.</summary>
    public static void Write(string path, IReadOnlyList<float[]> rows, IReadOnlyList<int> dimensions)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        Core.AtomicFile.Write(path, temporary =>
        {
            using var writer = new BinaryWriter(File.Create(temporary));
            writer.Write(Format);
            writer.Write(rows.Count);
            writer.Write(dimensions.Count);
            foreach (var dimension in dimensions) writer.Write(dimension);
            foreach (var row in rows)
                foreach (var value in row) writer.Write(value);
        });
    }

    /// <summary>The features in <paramref name="path"/>; null where it is missing, of another format, or does not hold <paramref name="rows"/> rows.</summary>
    public static Stored? TryRead(string path, int rows)
    {
        if (!File.Exists(path)) return null;
        using var reader = new BinaryReader(File.OpenRead(path));
        var size = reader.BaseStream.Length;
        if (size < 12 || reader.ReadInt32() != Format || reader.ReadInt32() != rows) return null;
        var count = reader.ReadInt32();
        if (count is < 1 or > 8 || size < 12 + 4L * count) return null;
        var dimensions = new int[count];
        for (var i = 0; i < count; i++) dimensions[i] = reader.ReadInt32();
        if (dimensions.Any(d => d < 1)) return null;
        var length = dimensions.Aggregate(1L, (product, d) => product * d);
        if (size != 12 + 4L * count + 4L * rows * length) return null;
        var result = new List<float[]>(rows);
        for (var r = 0; r < rows; r++)
        {
            var row = new float[length];
            for (var i = 0; i < length; i++) row[i] = reader.ReadSingle();
            result.Add(row);
        }
        return new Stored(result, dimensions);
    }
}
