using System.Security.Cryptography;
using MLNetTransfer.Data;
using MLNetTransfer.Tests.Support;

namespace MLNetTransfer.Tests.Data;

public sealed class SyntheticPetsTests : IDisposable
{
    readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    static Dictionary<string, string> Hashes(string root) =>
        Directory.GetFiles(root, "*", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(root, f), f => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f))));

    [Fact]
    public void The_same_seed_gives_the_same_files_and_another_seed_other_images()
    {
        SyntheticPets.Generate(folder["a"], 6, 96, seed: 5);
        SyntheticPets.Generate(folder["b"], 6, 96, seed: 5);
        SyntheticPets.Generate(folder["c"], 6, 96, seed: 6);
        var a = Hashes(folder["a"]);
        Assert.Equal(13, a.Count); // 2 classes x 6 images + boxes.csv
        Assert.Equal(a, Hashes(folder["b"]));
        Assert.NotEqual(a["cat/cat_0001.png"], Hashes(folder["c"])["cat/cat_0001.png"]);
    }

    [Fact]
    public void Images_are_in_class_folders_and_each_box_is_head_sized_and_inside_the_image()
    {
        SyntheticPets.Generate(folder["pets"], 10, 128, seed: 2);
        var scanned = ImageFolder.Scan(folder["pets"]);
        Assert.Equal(["cat", "dog"], scanned.Classes);
        Assert.Equal(20, scanned.Images.Count);
        Assert.Empty(scanned.Skipped);

        var boxes = SyntheticPets.ReadBoxes(folder["pets"]);
        Assert.Equal(20, boxes.Count);
        foreach (var (file, box) in boxes)
        {
            Assert.True(File.Exists(Path.Combine(folder["pets"], file)), file);
            Assert.InRange(box.Left, 0, 128);
            Assert.InRange(box.Right, 0, 128);
            Assert.InRange(box.Top, 0, 128);
            Assert.InRange(box.Bottom, 0, 128);
            // Head radius is 15-24% of the side; with ears and whiskers the box spans roughly 2.2 to 3.3 radii.
            Assert.InRange(box.Width, 0.3 * 128, 0.8 * 128);
            Assert.InRange(box.Height, 0.3 * 128, 0.8 * 128);
        }
    }

    [Fact]
    public void Generating_into_an_existing_folder_is_refused_and_leaves_it_alone()
    {
        var existing = folder.Write("pets/keep.txt", "mine");
        Assert.Throws<IOException>(() => SyntheticPets.Generate(folder["pets"], 2, 64, seed: 1));
        Assert.Equal("mine", File.ReadAllText(existing));
    }
}
