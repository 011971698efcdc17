using System.IO.Compression;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Image;
using Microsoft.ML.Transforms.Onnx;

namespace MLNetTransfer.Pipelines;

/// <summary>
/// Saves a feature-extraction model, the featurizer then the head's transformers, as ML.NET's model.zip. ML.NET deflates
/// every ONNX graph into the zip on each save (two to three seconds for ResNet18's 64 MB, a tenth of a first run on 500
/// photos), so with a store folder the first save of a featurizer keeps a copy there, and every later save of the same
/// featurizer takes the featurizer's entries from that copy as they are and writes only the head's. The featurizer is
/// then never built: a run whose features are all stored needs no ONNX Runtime session at all.
/// </summary>
public static class FeatureExtractionModel
{
    // The folder in which ML.NET's TransformerChain saves its first transformer, the featurizer. Should a later ML.NET
    // name it otherwise, the check in SaveWithStored finds no such folder and the model is saved in full.
    const string FeaturizerFolder = "TransformerChain/Transform_000/";

    /// <summary>
    /// Writes featurizer -> head to <paramref name="path"/>: a model.zip that loads with <c>MLContext.Model.Load</c> and
    /// scores from an image path alone, entry for entry what <c>MLContext.Model.Save</c> writes for the whole chain.
    /// </summary>
    /// <param name="ml">The context the head was trained in.</param>
    /// <param name="featurizer">Image path to Features; built only when no stored copy of it is found.</param>
    /// <param name="featurizerKey">Everything the featurizer depends on (its ONNX files and settings); the stored copy is found by it.</param>
    /// <param name="head">The transformers after the featurizer, in order.</param>
    /// <param name="path">The model file to write.</param>
    /// <param name="storeFolder">Where the featurizer's copy is kept between saves; null saves in full and keeps nothing.</param>
    public static void Save(MLContext ml, Lazy<ITransformer> featurizer, string featurizerKey, IReadOnlyList<ITransformer> head, string path, string? storeFolder)
    {
        var stored = storeFolder is null ? null : Path.Combine(storeFolder, StoredName(featurizerKey));
        if (stored is not null && File.Exists(stored) && SaveWithStored(ml, head, stored, path)) return;

        ml.Model.Save(new TransformerChain<ITransformer>([featurizer.Value, .. head]), FeatureCache.ImagePathSchema(), path);
        if (stored is null) return;
        try
        {
            Directory.CreateDirectory(storeFolder!);
            Core.AtomicFile.Write(stored, temporary => File.Copy(path, temporary, overwrite: true));
        }
        catch (IOException)
        {
            // The copy only saves the next run time (a full disk, or another run replacing it at once): the model is saved.
        }
    }

    // The stored model with every entry outside the featurizer's folder replaced by the head's; false where the stored
    // file or ML.NET's layout is not what this expects, so the caller saves in full.
    static bool SaveWithStored(MLContext ml, IReadOnlyList<ITransformer> head, string stored, string path)
    {
        // An empty chain in the featurizer's place: ML.NET names every other entry exactly as in the whole model.
        using var headOnly = new MemoryStream();
        ml.Model.Save(new TransformerChain<ITransformer>([new TransformerChain<ITransformer>(), .. head]), FeatureCache.ImagePathSchema(), headOnly);
        var entries = Entries(headOnly);
        if (entries.Keys.Count(InFeaturizer) != 1) return false;

        try
        {
            File.Copy(stored, path, overwrite: true);
            using var archive = ZipFile.Open(path, ZipArchiveMode.Update);
            if (!archive.Entries.Any(e => InFeaturizer(e.FullName))) return false;
            foreach (var entry in archive.Entries.ToList())
            {
                if (InFeaturizer(entry.FullName)) continue;
                // Equal entries stay where they are, so the archive is rewritten only from the first changed one.
                if (entries.TryGetValue(entry.FullName, out var bytes) && entry.Length == bytes.Length && Read(entry).AsSpan().SequenceEqual(bytes))
                    entries.Remove(entry.FullName);
                else
                    entry.Delete();
            }
            foreach (var (name, bytes) in entries.Where(e => !InFeaturizer(e.Key)))
            {
                using var stream = archive.CreateEntry(name).Open();
                stream.Write(bytes);
            }
            return true;
        }
        catch (Exception e) when (e is InvalidDataException or IOException)
        {
            return false; // damaged, or being replaced by another run: saved in full instead
        }
    }

    // ML.NET names entries with the system's directory separator: '\' on Windows.
    static bool InFeaturizer(string entry) => entry.Replace('\\', '/').StartsWith(FeaturizerFolder, StringComparison.Ordinal);

    static Dictionary<string, byte[]> Entries(MemoryStream zip)
    {
        zip.Position = 0;
        using var archive = new ZipArchive(zip, ZipArchiveMode.Read, leaveOpen: true);
        return archive.Entries.ToDictionary(e => e.FullName, Read);
    }

    static byte[] Read(ZipArchiveEntry entry)
    {
        using var stream = entry.Open();
        using var bytes = new MemoryStream();
        stream.CopyTo(bytes);
        return bytes.ToArray();
    }

    // The featurizer's saved form also depends on the code that builds and saves it: a rebuilt MLNetTransfer or another
    // ML.NET version saves it anew rather than trust an older copy.
    static string StoredName(string featurizerKey)
    {
        var builds = string.Join("\n", new[] { typeof(FeatureExtractionModel), typeof(TransformerChain<>), typeof(ImageLoadingTransformer), typeof(OnnxTransformer) }
            .Select(t => t.Assembly.ManifestModule.ModuleVersionId));
        return Core.FileNames.ForKey($"{featurizerKey}\n{builds}", ".model.zip");
    }
}
