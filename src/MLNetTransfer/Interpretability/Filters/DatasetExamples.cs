using static TorchSharp.torch;

namespace MLNetTransfer.Interpretability.Filters;

/// <summary>
/// A filter's dataset examples, as OpenAI Microscope shows them beside its picture: the crops of real images that
/// activate it most, each image at most once, each crop centred on the image's strongest place for the filter and
/// about as large as what the layer sees there (four of its cells, at least 32 pixels).
/// </summary>
public static class DatasetExamples
{
    /// <summary>Crops per filter.</summary>
    public const int Count = 9;

    /// <summary>
    /// For each layer in <paramref name="filters"/> and each of its filters (channel indices), the <see cref="Count"/>
    /// crops of <paramref name="images"/> that activate the filter most, strongest first, each as planar RGB 0-255 of
    /// <paramref name="size"/> x <paramref name="size"/> pixels; keyed by layer. All layers are found in one pass over
    /// the images, in batches, so memory does not grow with them and each image is decoded and run once.
    /// </summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<IReadOnlyList<float[]>>> Find(ExplainableRun run,
        IReadOnlyDictionary<string, IReadOnlyList<int>> filters, IReadOnlyList<string> images,
        int size = 74, int batchSize = 16, CancellationToken cancellation = default)
    {
        var graph = run.Network.Backbone;
        var best = filters.ToDictionary(f => f.Key, f => f.Value.Select(_ => new List<(float Value, float[] Crop)>()).ToArray());
        for (var start = 0; start < images.Count && filters.Count > 0; start += batchSize)
        {
            cancellation.ThrowIfCancellationRequested();
            using var scope = NewDisposeScope();
            using var _ = no_grad();
            var batch = images.Skip(start).Take(batchSize).ToList();
            var (inputs, rgb) = run.Prepare(batch);
            var outputs = graph.Run(new Dictionary<string, Tensor> { [graph.InputName] = inputs }, [.. filters.Keys]);
            var pixels = tensor(rgb.SelectMany(p => p).ToArray(), [batch.Count, 3, run.Height, run.Width]);
            foreach (var (layer, channels) in filters) Keep(run, outputs[layer], channels, pixels, best[layer], size);
        }
        return best.ToDictionary(b => b.Key, b => (IReadOnlyList<IReadOnlyList<float[]>>)b.Value.Select(kept => (IReadOnlyList<float[]>)kept.Select(k => k.Crop).ToList()).ToList());
    }

    // Adds a batch's crops to each filter's best, where they beat the weakest kept.
    static void Keep(ExplainableRun run, Tensor activations, IReadOnlyList<int> filters, Tensor pixels, List<(float Value, float[] Crop)>[] best, int size)
    {
        var (cellsHigh, cellsWide) = (activations.shape[2], activations.shape[3]);
        var window = (int)Math.Clamp(4 * Math.Max(run.Height / cellsHigh, run.Width / cellsWide), 32, Math.Min(run.Height, run.Width));
        for (var j = 0; j < filters.Count; j++)
        {
            var (values, places) = activations[.., filters[j]].flatten(1).max(1);
            var (peak, at) = (values.data<float>().ToArray(), places.data<long>().ToArray());
            for (var i = 0; i < peak.Length; i++)
            {
                var kept = best[j];
                if (kept.Count == Count && peak[i] <= kept[^1].Value) continue;
                var (y, x) = (at[i] / cellsWide, at[i] % cellsWide);
                var top = (int)Math.Clamp((y + 0.5) * run.Height / cellsHigh - window / 2.0, 0, run.Height - window);
                var left = (int)Math.Clamp((x + 0.5) * run.Width / cellsWide - window / 2.0, 0, run.Width - window);
                var crop = nn.functional.interpolate(pixels[i].narrow(1, top, window).narrow(2, left, window).unsqueeze(0), [size, size],
                    mode: InterpolationMode.Bilinear, align_corners: false);
                kept.Add((peak[i], crop.flatten().data<float>().ToArray()));
                kept.Sort((a, b) => b.Value.CompareTo(a.Value));
                if (kept.Count > Count) kept.RemoveAt(Count);
            }
        }
    }

    /// <summary>
    /// Each filter's picture [3 * height * width] with its examples beside it, three to a row, as tiles of equal size for
    /// a grid; with no examples (no images to take them from), the pictures alone.
    /// </summary>
    public static (IReadOnlyList<float[]> Tiles, int Width, int Height) Beside(IReadOnlyList<float[]> pictures, IReadOnlyList<IReadOnlyList<float[]>> examples,
        int width, int height, int size = 74)
    {
        if (examples.All(e => e.Count == 0)) return (pictures, width, height);
        var (tileWidth, tileHeight) = (width + 3 * size, Math.Max(height, 3 * size));
        var (plane, cropPlane) = (tileWidth * tileHeight, size * size);
        var tiles = new List<float[]>();
        foreach (var (picture, crops) in pictures.Zip(examples))
        {
            var tile = new float[3 * plane];
            Array.Fill(tile, 255f);
            for (var c = 0; c < 3; c++)
            {
                for (var y = 0; y < height; y++)
                    Array.Copy(picture, c * width * height + y * width, tile, c * plane + y * tileWidth, width);
                for (var k = 0; k < crops.Count; k++)
                {
                    var (left, top) = (width + k % 3 * size, k / 3 * size);
                    for (var y = 0; y < size; y++)
                        Array.Copy(crops[k], c * cropPlane + y * size, tile, c * plane + (top + y) * tileWidth + left, size);
                }
            }
            tiles.Add(tile);
        }
        return (tiles, tileWidth, tileHeight);
    }
}
