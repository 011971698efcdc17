namespace MLNetTransfer.Data;

/// <summary>A file that is used, with something the user should know about it.</summary>
public sealed record FileWarning(string Path, string Warning);
