using System.Security.Cryptography;
using System.Text;

namespace MLNetTransfer.Core;

/// <summary>File names made from names that are not ours (ONNX tensors, class names), or from what a stored file holds.</summary>
internal static class FileNames
{
    /// <summary><paramref name="name"/> with every character that some file system refuses replaced by '_'.</summary>
    public static string Safe(string name)
    {
        var invalid = Path.GetInvalidFileNameChars().Concat(['<', '>', ':', '"', '/', '\\', '|', '?', '*']).ToHashSet();
        var safe = new string(name.Select(c => invalid.Contains(c) || char.IsControl(c) ? '_' : c).ToArray()).Trim('.', ' ');
        return safe.Length == 0 ? "_" : safe;
    }

    /// <summary>
    /// The name of a stored file found by <paramref name="key"/>, everything its content depends on: 32 hex digits of the
    /// key's SHA-256, then <paramref name="extension"/>.
    /// </summary>
    public static string ForKey(string key, string extension) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)))[..32] + extension;
}
