namespace MLNetTransfer.Core;

/// <summary>
/// An <see cref="IProgress{T}"/> that calls its handler at once on the reporting thread. <see cref="Progress{T}"/>
/// posts to a synchronisation context instead, which can reorder or delay reports.
/// </summary>
internal sealed class ImmediateProgress<T>(Action<T> handler) : IProgress<T>
{
    public void Report(T value) => handler(value);
}
