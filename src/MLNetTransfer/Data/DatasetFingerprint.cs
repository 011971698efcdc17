using System.Security.Cryptography;
using System.Text;

namespace MLNetTransfer.Data;

/// <summary>A short hash of which files are in which set, with their sizes: equal fingerprints mean the same data.</summary>
internal static class DatasetFingerprint
{
    /// <summary>SHA-256 over "set, path relative to <paramref name="root"/>, label, size" lines, as hex.</summary>
    public static string Of(DatasetSplit split, string root)
    {
        var text = new StringBuilder();
        foreach (var (set, image) in split.All)
            text.Append(set).Append('\t').Append(Path.GetRelativePath(root, image.Path).Replace('\\', '/'))
                .Append('\t').Append(image.Label).Append('\t').Append(image.Bytes).Append('\n');
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }
}
