namespace MLNetTransfer.Tests.Support;

/// <summary>The real photos in <c>../shared/datasets</c> beside the checkout, where present.</summary>
public static class SharedDatasets
{
    /// <summary>The checkout's root: the folder holding MLNetTransfer.sln above the test binaries.</summary>
    public static string RepositoryRoot { get; } = FindRoot();

    public static string PetsKaggle500 => Path.Combine(RepositoryRoot, "..", "shared", "datasets", "pets-kaggle-500");

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
