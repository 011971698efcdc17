namespace MLNetTransfer.Experiments;

/// <summary>A finished run: where it is and how well the model did.</summary>
public sealed record RunResult(string Folder, RunRecord Record, RunMetrics Metrics);
