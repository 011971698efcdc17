namespace MLNetTransfer.Data;

/// <summary>A file in a class folder that is not used, and why.</summary>
public sealed record SkippedFile(string Path, string Reason);
