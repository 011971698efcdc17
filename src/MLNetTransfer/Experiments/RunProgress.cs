namespace MLNetTransfer.Experiments;

/// <summary>A long step's progress: <paramref name="Done"/> of <paramref name="Total"/> items (Total 0: not countable).</summary>
public sealed record RunProgress(string Step, int Done, int Total);
