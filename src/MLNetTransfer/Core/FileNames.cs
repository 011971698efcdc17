namespace MLNetTransfer.Core;

/// <summary>File names made from names that are not ours (ONNX tensors, class names).</summary>
public static class FileNames
{
    /// <summary><paramref name="name"/> with every character that some file system refuses replaced by '_'.</summary>
    public static string Safe(string name)
    {
        var invalid = Path.GetInvalidFileNameChars().Concat(['<', '>', ':', '"', '/', '\\', '|', '?', '*']).ToHashSet();
        var safe = new string(name.Select(c => invalid.Contains(c) || char.IsControl(c) ? '_' : c).ToArray()).Trim('.', ' ');
        return safe.Length == 0 ? "_" : safe;
    }
}
