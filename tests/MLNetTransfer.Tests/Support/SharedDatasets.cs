namespace MLNetTransfer.Tests.Support;

/// <summary>The real photos in <c>../shared/datasets</c> beside the checkout, where present.</summary>
public static class SharedDatasets
{
    /// <summary>The checkout's root: the folder holding MLNetTransfer.sln above the test binaries.</summary>
    public static string RepositoryRoot { get; } = FindRoot();

    public static string PetsKaggle500 => Path.Combine(RepositoryRoot, "..", "shared", "datasets", "pets-kaggle-500");

    public static string PetsKaggle2000 => Path.Combine(RepositoryRoot, "..", "shared", "datasets", "pets-kaggle-2000");

    public static string OxfordPetsDev => Path.Combine(RepositoryRoot, "..", "shared", "datasets", "oxford-pets-dev");

    static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "MLNetTransfer.sln"))) return dir.FullName;
        throw new InvalidOperationException($"MLNetTransfer.sln not found above {AppContext.BaseDirectory}");
    }
}

/// <summary>A fact that needs folders of <c>../shared/datasets</c>; skipped, with the first missing one named, where any is absent.</summary>
public abstract class SharedDatasetsFactAttribute : FactAttribute
{
    protected SharedDatasetsFactAttribute(params string[] folders)
    {
        if (folders.FirstOrDefault(f => !Directory.Exists(f)) is { } missing)
            Skip = $"real photos not found at {Path.GetFullPath(missing)} (../shared/datasets beside the checkout)";
    }
}

/// <summary>A fact that needs <c>pets-kaggle-500</c>.</summary>
public sealed class PetsKaggle500FactAttribute() : SharedDatasetsFactAttribute(SharedDatasets.PetsKaggle500);

/// <summary>A fact that needs both <c>pets-kaggle-500</c> (to train) and <c>oxford-pets-dev</c> (masks).</summary>
public sealed class OxfordPetsFactAttribute() : SharedDatasetsFactAttribute(SharedDatasets.PetsKaggle500, SharedDatasets.OxfordPetsDev);

/// <summary>A fact that needs the book's data: <c>pets-kaggle-2000</c> (to train) and <c>pets-kaggle-500</c> (validation and test).</summary>
public sealed class BookDatasetsFactAttribute() : SharedDatasetsFactAttribute(SharedDatasets.PetsKaggle2000, SharedDatasets.PetsKaggle500);

/// <summary>A fact that needs <c>oxford-pets-dev</c> alone (its photos as the dataset).</summary>
public sealed class OxfordPetsDevFactAttribute() : SharedDatasetsFactAttribute(SharedDatasets.OxfordPetsDev);

/// <summary>A fact that needs every folder of <c>../shared/datasets</c>.</summary>
public sealed class AllSharedDatasetsFactAttribute() : SharedDatasetsFactAttribute(SharedDatasets.PetsKaggle500, SharedDatasets.PetsKaggle2000, SharedDatasets.OxfordPetsDev);
