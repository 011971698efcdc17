namespace MLNetTransfer.Experiments;

/// <summary>
/// What a failed run left behind, carried on the exception that ended it (in <see cref="Exception.Data"/>, so the
/// exception keeps its type and callers still tell bad input from a fault).
/// </summary>
/// <param name="Folder">The run folder.</param>
/// <param name="Recorded">Whether run.json says how the run ended; false when it could not be written (a full disk).</param>
/// <param name="ErrorLog">The file with the full trace, for an unexpected exception; null for bad input.</param>
public sealed record RunFailure(string Folder, bool Recorded, string? ErrorLog)
{
    const string Key = "MLNetTransfer.RunFailure";

    /// <summary>The failed run that <paramref name="exception"/> ended, if it ended one.</summary>
    public static RunFailure? Of(Exception exception) => exception.Data[Key] as RunFailure;

    internal void AttachTo(Exception exception) => exception.Data[Key] = this;
}
