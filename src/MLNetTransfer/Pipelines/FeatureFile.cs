namespace MLNetTransfer.Pipelines;

/// <summary>Feature vectors on disk: row count and length, then the floats, little-endian.</summary>
public static class FeatureFile
{
    /// <summary>Writes through a temporary file, so an interrupted write never leaves a file that reads as complete.</summary>
    public static void Write(string path, IReadOnlyList<float[]> rows)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        Core.AtomicFile.Write(path, temporary =>
        {
            using var writer = new BinaryWriter(File.Create(temporary));
            writer.Write(rows.Count);
            writer.Write(rows.Count == 0 ? 0 : rows[0].Length);
            foreach (var row in rows)
                foreach (var value in row) writer.Write(value);
        });
    }

    /// <summary>The rows in <paramref name="path"/>; null where it is missing or does not hold <paramref name="rows"/> x <paramref name="length"/> values.</summary>
    public static List<float[]>? TryRead(string path, int rows, int length)
    {
        if (!File.Exists(path) || new FileInfo(path).Length != 8 + 4L * rows * length) return null;
        using var reader = new BinaryReader(File.OpenRead(path));
        if (reader.ReadInt32() != rows || reader.ReadInt32() != length) return null;
        var result = new List<float[]>(rows);
        for (var r = 0; r < rows; r++)
        {
            var row = new float[length];
            for (var i = 0; i < length; i++) row[i] = reader.ReadSingle();
            result.Add(row);
        }
        return result;
    }
}
