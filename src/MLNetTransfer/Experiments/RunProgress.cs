namespace MLNetTransfer.Experiments;

/// <summary>A long step's progress: <paramref name="Done"/> of <paramref name="Total"/> items (Total 0: not countable),
/// with the latest numbers in <paramref name="Detail"/> (e.g. an epoch's loss and accuracy).</summary>
public sealed record RunProgress(string Step, int Done, int Total, string? Detail = null);
