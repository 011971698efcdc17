namespace MLNetTransfer.Core;

/// <summary>Images or a run folder cannot be used as they are; the message names the file or folder.</summary>
public sealed class DataException(string message, Exception? inner = null) : Exception(message, inner);
