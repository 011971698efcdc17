namespace MLNetTransfer.Tests.Support;

/// <summary>The real photos in <c>../shared/datasets</c> beside the checkout, where present.</summary>
public static class SharedDatasets
{
    /// <summary>The checkout's root: the folder holding MLNetTransfer.sln above the test binaries.</summary>
    public static string RepositoryRoot { get; } = FindRoot();

    public static string PetsKaggle500 => Path.Combine(RepositoryRoot, "..", "shared", "datasets", "pets-kaggle-500");

    public static string OxfordPetsDev => Path.Combine(RepositoryRoot, "..", "shared", "datasets", "oxford-pets-dev");

    static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "MLNetTransfer.sln"))) return dir.FullName;
        throw new InvalidOperationException($"MLNetTransfer.sln not found above {AppContext.BaseDirectory}");
    }
}

/// <summary>A fact that needs <c>../shared/datasets/pets-kaggle-500</c>; skipped, with the reason shown, where it is absent.</summary>
public sealed class PetsKaggle500FactAttribute : FactAttribute
{
    public PetsKaggle500FactAttribute()
    {
        if (!Directory.Exists(SharedDatasets.PetsKaggle500))
            Skip = $"real photos not found at {Path.GetFullPath(SharedDatasets.PetsKaggle500)} (../shared/datasets beside the checkout)";
    }
}

/// <summary>A fact that needs both <c>pets-kaggle-500</c> (to train) and <c>oxford-pets-dev</c> (masks); skipped where either is absent.</summary>
public sealed class OxfordPetsFactAttribute : FactAttribute
{
    public OxfordPetsFactAttribute()
    {
        foreach (var folder in new[] { SharedDatasets.PetsKaggle500, SharedDatasets.OxfordPetsDev })
            if (!Directory.Exists(folder))
                Skip = $"real photos not found at {Path.GetFullPath(folder)} (../shared/datasets beside the checkout)";
    }
}
