namespace MLNetTransfer.Core;

/// <summary>
/// A user's experiment config (or the data it points at) is wrong. The message names the file and the field, as
/// <c>configs/x.json: dataset.split.train: ...</c>, so the user can go straight to the line to fix.
/// </summary>
public sealed class ConfigException : Exception
{
    public ConfigException(string file, string field, string problem, Exception? inner = null)
        : base($"{file}: {(field.Length == 0 ? "" : field + ": ")}{problem}", inner)
    {
        File = file;
        Field = field;
        Problem = problem;
    }

    /// <summary>The config file, as the user named it.</summary>
    public string File { get; }

    /// <summary>The field's path in the JSON document, e.g. <c>dataset.split.train</c>; empty for the whole file.</summary>
    public string Field { get; }

    /// <summary>What is wrong, without the file and field.</summary>
    public string Problem { get; }
}
