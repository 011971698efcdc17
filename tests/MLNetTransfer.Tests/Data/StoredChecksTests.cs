using MLNetTransfer.Data;
using MLNetTransfer.Tests.Support;
using SkiaSharp;

namespace MLNetTransfer.Tests.Data;

public sealed class StoredChecksTests : IDisposable
{
    readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    [Fact]
    public void A_second_scan_takes_each_unchanged_files_verdict_from_the_store_and_checks_a_changed_file_again()
    {
        SyntheticPets.Generate(folder["pets"], 3, 64, seed: 2);
        using var bitmap = new SKBitmap(120, 90);
        var jpeg = EncodedImage.Jpeg(bitmap);
        var broken = folder["pets/cat/broken.jpg"];
        File.WriteAllBytes(broken, jpeg[..(jpeg.Length / 2)]);
        var store = folder["store"];

        var first = ImageFolder.Scan(folder["pets"], checksFolder: store);
        Assert.Equal([broken], first.Skipped.Select(s => s.Path));
        Assert.Single(Directory.GetFiles(store, "*.checks"));
        var second = ImageFolder.Scan(folder["pets"], checksFolder: store);
        Assert.Equal(first.Images, second.Images);
        Assert.Equal(first.Skipped, second.Skipped);

        // The verdict is keyed by size and modification time: damage that keeps both is not decoded again...
        var good = first.Images[0].Path;
        var written = File.GetLastWriteTimeUtc(good);
        File.WriteAllBytes(good, new byte[new FileInfo(good).Length]);
        File.SetLastWriteTimeUtc(good, written);
        Assert.Contains(good, ImageFolder.Scan(folder["pets"], checksFolder: store).Images.Select(i => i.Path));
        // ...while a scan without the store, or a file whose size or time changed, is decoded.
        Assert.Contains(good, ImageFolder.Scan(folder["pets"]).Skipped.Select(s => s.Path));
        File.WriteAllBytes(broken, jpeg);
        File.SetLastWriteTimeUtc(good, written.AddSeconds(1));
        var repaired = ImageFolder.Scan(folder["pets"], checksFolder: store);
        Assert.Contains(broken, repaired.Images.Select(i => i.Path));
        Assert.Equal([good], repaired.Skipped.Select(s => s.Path));

        // A damaged store is no store: every file is checked.
        File.WriteAllText(Directory.GetFiles(store, "*.checks").Single(), "{ not json");
        Assert.Equal([good], ImageFolder.Scan(folder["pets"], checksFolder: store).Skipped.Select(s => s.Path));
    }
}
