namespace MLNetTransfer.Core;

/// <summary>A value together with the resource that must be disposed when it is no longer used.</summary>
public sealed class DisposableValue<T>(T value, IDisposable owned) : IDisposable
{
    public T Value { get; } = value;

    public void Dispose() => owned.Dispose();
}
