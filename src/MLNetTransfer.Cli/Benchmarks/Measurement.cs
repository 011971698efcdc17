namespace MLNetTransfer.Cli.Benchmarks;

/// <summary>One benchmark figure and what it is read against.</summary>
/// <param name="Name">What was measured.</param>
/// <param name="Rate">Images (or steps) per second: the median over the runs.</param>
/// <param name="Unit">What <paramref name="Rate"/> counts per second.</param>
/// <param name="PeakMegabytes">The process's largest working set while it ran.</param>
/// <param name="References">Reference rates by name; the ratio Rate / reference is printed beside each.</param>
public sealed record Measurement(string Name, double Rate, string Unit, double PeakMegabytes, IReadOnlyDictionary<string, double> References)
{
    public Measurement(string name, double rate, string unit, double peakMegabytes) : this(name, rate, unit, peakMegabytes, new Dictionary<string, double>()) { }
}
