namespace MLNetTransfer.Experiments;

/// <summary>A parsed config as written, together with the file it came from, which anchors its relative paths.</summary>
public sealed record ExperimentDefinition(string ConfigPath, ExperimentConfig Config)
{
    /// <summary>The experiment as it runs, its mode's defaults filled in.</summary>
    public ResolvedExperiment Resolved => ResolvedExperiment.Of(Config);

    /// <summary>The folder relative paths in the config are resolved against.</summary>
    public string BaseDirectory => Path.GetDirectoryName(Path.GetFullPath(ConfigPath))!;

    /// <summary>A path from the config, made absolute against <see cref="BaseDirectory"/>.</summary>
    public string Resolve(string path) => Path.GetFullPath(path, BaseDirectory);
}
