using System.Security.Cryptography;

namespace MLNetTransfer.Core;

/// <summary>Content hashes of files.</summary>
internal static class FileHash
{
    /// <summary>SHA-256 of the file's bytes, as lower-case hex.</summary>
    public static string Of(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}
