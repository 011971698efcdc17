using System.Buffers;
using System.Collections.Concurrent;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.Win32.SafeHandles;
using MLNetTransfer.Core;
using MLNetTransfer.Pipelines;
using static TorchSharp.torch;

namespace MLNetTransfer.Training;

/// <summary>
/// The images a trainer reads, with their class indices: decoded once into a file, one row per image, and read back
/// by index, so memory holds the batches in flight, not the data set (PyTorch's DataLoader over tf.data's
/// <c>cache(filename)</c>). Rows are stored as bytes where the pixels are ExtractPixels' bytes times a known scale, a
/// quarter of float32's size, and as float32 otherwise. A kept file (<see cref="Build"/>) is found again by later
/// fits, which then decode nothing; its header says whether it was written to the end, so a killed build is redone.
/// </summary>
internal sealed class ImageStore : IDisposable
{
    const int Format = 0x31534D49; // "IMS1"
    const int HeaderBytes = 32;
    // Batches read ahead of the step: enough to hide a read behind a step, few enough to keep memory flat.
    const int BatchesAhead = 2;

    readonly SafeFileHandle file;
    readonly float? byteScale;
    readonly int rowBytes;
    readonly Task? decoding;
    readonly CancellationTokenSource? stopDecoding;
    readonly object progress = new();
    readonly ConcurrentDictionary<int, string> failed = new();
    int decoded;

    ImageStore(SafeFileHandle file, long[] labels, long[] imageShape, float? byteScale, int decoded)
    {
        this.file = file;
        Labels = labels;
        ImageShape = imageShape;
        this.byteScale = byteScale;
        rowBytes = checked((int)(imageShape.Aggregate(1L, (a, b) => a * b) * (byteScale is null ? sizeof(float) : 1)));
        this.decoded = decoded;
    }

    ImageStore(SafeFileHandle file, long[] labels, long[] imageShape, float? byteScale, Action<ImageStore, CancellationToken> decode, CancellationToken cancellation)
        : this(file, labels, imageShape, byteScale, 0)
    {
        stopDecoding = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        var token = stopDecoding.Token;
        decoding = Task.Run(() => decode(this, token), token);
    }

    /// <summary>Each image's class index.</summary>
    public long[] Labels { get; }

    /// <summary>One image's shape, [channels, height, width].</summary>
    public long[] ImageShape { get; }

    public int Count => Labels.Length;

    /// <summary>Bytes each image takes in the file.</summary>
    public long BytesPerImage => rowBytes;

    /// <summary>
    /// The images that could not be decoded (files that changed after the scan), by index, with the reason: their rows
    /// hold zeros, and training leaves them out. Complete once <see cref="WaitUntilDecoded"/> returns.
    /// </summary>
    public IReadOnlyDictionary<int, string> Failed => failed;

    /// <summary>The indices of the images that decoded, in order; waits until every image is decoded.</summary>
    public int[] Usable(CancellationToken cancellation = default)
    {
        WaitUntilDecoded(cancellation);
        return [.. Enumerable.Range(0, Count).Where(i => !failed.ContainsKey(i))];
    }

    /// <summary>Whether the images were read from a kept file instead of decoded.</summary>
    public bool Reused { get; private init; }

    /// <summary>
    /// The images of <paramref name="column"/> (a float vector of <paramref name="imageShape"/>), decoded on a background
    /// task: reads wait only for the rows they need, so the first batches train while later ones decode.
    /// </summary>
    /// <param name="data">The rows, in the order the labels are given.</param>
    /// <param name="column">The pixel column.</param>
    /// <param name="labels">Each row's class index.</param>
    /// <param name="imageShape">One image's shape.</param>
    /// <param name="byteScale">ExtractPixels' scale when the column holds its output: rows are then kept as bytes. Null: float32.</param>
    /// <param name="keptFile">Where the rows are kept for later fits, found by its name; null: a temporary file in <paramref name="scratchFolder"/>.</param>
    /// <param name="scratchFolder">Where a temporary file goes; null: the system's temporary folder.</param>
    /// <param name="cancellation">Stops decoding.</param>
    public static ImageStore Build(IDataView data, string column, long[] labels, long[] imageShape, float? byteScale,
        string? keptFile, string? scratchFolder, CancellationToken cancellation)
    {
        var length = imageShape.Aggregate(1L, (a, b) => a * b);
        if (keptFile is not null && TryOpen(keptFile, labels, imageShape, byteScale) is { } kept) return kept;
        var (handle, complete) = Create(keptFile, scratchFolder);
        return new ImageStore(handle, labels, imageShape, byteScale, (store, token) =>
        {
            var bytes = new byte[store.rowBytes];
            var index = 0;
            void Write(IEnumerable<float>? values)
            {
                if (index >= labels.Length) throw new InvalidOperationException($"the data has more rows than its {labels.Length} labels");
                if (values is null) Array.Clear(bytes);
                else store.Encode(values, bytes);
                RandomAccess.Write(handle, bytes, HeaderBytes + (long)index * store.rowBytes);
                store.Advance(++index);
            }
            using var cursor = SerialCursor.Over(data, [data.Schema[column]]);
            var getter = cursor.GetGetter<VBuffer<float>>(data.Schema[column]);
            VBuffer<float> row = default;
            while (cursor.MoveNext())
            {
                token.ThrowIfCancellationRequested();
                try
                {
                    getter(ref row);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // A file that became unreadable after the scan: its row is left out of training.
                    store.failed[index] = e.GetBaseException().Message;
                    Write(null);
                    continue;
                }
                if (row.Length != length) throw new InvalidOperationException($"an image has {row.Length} input values; the backbone takes {length}");
                Write(row.DenseValues());
            }
            if (index != labels.Length) throw new InvalidOperationException($"the data has {index} rows for {labels.Length} labels");
            // A store with a row left out is not kept: the next run's scan leaves the file out, so its images differ anyway.
            if (complete && store.failed.IsEmpty) WriteHeader(handle, labels.Length, imageShape, byteScale);
        }, cancellation);
    }

    /// <summary>Images already in memory [N, ...] (tests, benchmarks), kept as float32 in a temporary file.</summary>
    public static ImageStore FromTensor(Tensor images, long[] labels)
    {
        var shape = images.shape[1..];
        var (handle, _) = Create(null, null);
        var store = new ImageStore(handle, labels, shape, null, 0);
        var values = images.to(ScalarType.Float32).contiguous().data<float>().ToArray();
        RandomAccess.Write(handle, System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()), HeaderBytes);
        store.Advance(labels.Length);
        return store;
    }

    /// <summary>
    /// The images of each index list in <paramref name="batches"/>, in order, read <see cref="BatchesAhead"/> batches
    /// ahead on a worker. Each is a managed buffer: make it a tensor inside the step's dispose scope.
    /// </summary>
    public IEnumerable<ImageBatch> Batches(IReadOnlyList<int[]> batches, CancellationToken cancellation = default)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        using var queue = new BlockingCollection<ImageBatch>(BatchesAhead);
        var reader = Task.Run(() =>
        {
            try
            {
                foreach (var indices in batches) queue.Add(Read(indices, stop.Token), stop.Token);
            }
            finally
            {
                queue.CompleteAdding();
            }
        }, stop.Token);
        try
        {
            foreach (var batch in queue.GetConsumingEnumerable(stop.Token)) yield return batch;
        }
        finally
        {
            // A consumer that stops early (an exception, early stopping) stops the reader too, and has no use for its
            // fault; one that read every batch gets the reader's fault rethrown below.
            stop.Cancel();
            try { reader.Wait(CancellationToken.None); }
            catch (AggregateException) { }
        }
        reader.GetAwaiter().GetResult();
    }

    /// <summary>The batches of consecutive images, <paramref name="batchSize"/> at a time: every image once, in order.</summary>
    public IEnumerable<ImageBatch> InOrder(int batchSize, CancellationToken cancellation = default) =>
        Batches(Enumerable.Range(0, Count).Chunk(batchSize).ToList(), cancellation);

    ImageBatch Read(int[] indices, CancellationToken cancellation)
    {
        WaitFor(indices.Length == 0 ? 0 : indices.Max() + 1, cancellation);
        // Pooled: a batch is megabytes, and the GC lets large arrays pile up for long when memory is plentiful.
        var buffer = ArrayPool<byte>.Shared.Rent(indices.Length * rowBytes);
        for (var i = 0; i < indices.Length; i++)
        {
            var target = buffer.AsSpan(i * rowBytes, rowBytes);
            if (RandomAccess.Read(file, target, HeaderBytes + (long)indices[i] * rowBytes) != rowBytes)
                throw new IOException($"the image store ends before image {indices[i]}");
        }
        return new ImageBatch(this, indices, buffer);
    }

    internal Tensor ToTensor(ImageBatch batch)
    {
        // Copied into native memory: a tensor made from the managed array would pin it for as long as the tensor lives.
        var stored = empty([batch.Indices.Length, .. ImageShape], byteScale is null ? ScalarType.Float32 : ScalarType.Byte);
        stored.bytes = batch.Buffer.AsSpan(0, batch.Indices.Length * rowBytes);
        ArrayPool<byte>.Shared.Return(batch.Buffer);
        // A float32 multiply, as ExtractPixels computes its output: the stored bytes give back its values exactly.
        return byteScale is { } scale ? stored.to(ScalarType.Float32).mul_(scale) : stored;
    }

    void Encode(IEnumerable<float> values, byte[] bytes)
    {
        if (byteScale is not { } scale)
        {
            var floats = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(bytes.AsSpan());
            var i = 0;
            foreach (var v in values) floats[i++] = v;
            return;
        }
        var j = 0;
        foreach (var v in values)
        {
            var level = MathF.Round(v / scale);
            if (level is < 0 or > 255 || (float)(byte)level * scale != v)
                throw new InvalidOperationException($"pixel value {v} is not a byte times the pixel scale {scale}: the feature column is not ExtractPixels' output at that scale");
            bytes[j++] = (byte)level;
        }
    }

    void Advance(int rows)
    {
        lock (progress)
        {
            decoded = rows;
            Monitor.PulseAll(progress);
        }
    }

    void WaitFor(int rows, CancellationToken cancellation)
    {
        lock (progress)
        {
            while (decoded < rows)
            {
                cancellation.ThrowIfCancellationRequested();
                // Decoding ended without reaching the row: its exception is the reason.
                if (decoding is { IsCompleted: true }) decoding.GetAwaiter().GetResult();
                if (decoding is { IsCompleted: true } || decoding is null) throw new InvalidOperationException($"the image store holds {decoded} images, not {rows}");
                Monitor.Wait(progress, 50);
            }
        }
    }

    /// <summary>Waits until every image is decoded; rethrows what stopped decoding.</summary>
    public void WaitUntilDecoded(CancellationToken cancellation = default) => WaitFor(Count, cancellation);

    static ImageStore? TryOpen(string path, long[] labels, long[] imageShape, float? byteScale)
    {
        if (!File.Exists(path)) return null;
        SafeFileHandle handle;
        try
        {
            handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        }
        catch (IOException)
        {
            return null; // another process is still writing it
        }
        var header = new byte[HeaderBytes];
        var store = new ImageStore(handle, labels, imageShape, byteScale, labels.Length) { Reused = true };
        var valid = RandomAccess.Read(handle, header, 0) == HeaderBytes
                    && header.AsSpan().SequenceEqual(Header(labels.Length, imageShape, byteScale))
                    && RandomAccess.GetLength(handle) == HeaderBytes + (long)labels.Length * store.rowBytes;
        if (valid) return store;
        store.Dispose();
        return null;
    }

    // A kept file is written in place with an empty header, and the header last: a file cut short never reads as complete.
    static (SafeFileHandle Handle, bool Kept) Create(string? keptFile, string? scratchFolder)
    {
        if (keptFile is not null)
        {
            try
            {
                Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(keptFile))!);
                return (File.OpenHandle(keptFile, FileMode.Create, FileAccess.ReadWrite, FileShare.Read), true);
            }
            catch (IOException)
            {
                // Another process is writing it: use a file of our own.
            }
        }
        return (ScratchFile.Create(scratchFolder, ".images"), false);
    }

    static void WriteHeader(SafeFileHandle handle, int count, long[] imageShape, float? byteScale)
    {
        RandomAccess.Write(handle, Header(count, imageShape, byteScale), 0);
        RandomAccess.FlushToDisk(handle);
    }

    static byte[] Header(int count, long[] imageShape, float? byteScale)
    {
        if (imageShape.Length != 3) throw new ArgumentException("an image has three dimensions: channels, height, width", nameof(imageShape));
        var header = new byte[HeaderBytes];
        var writer = new BinaryWriter(new MemoryStream(header));
        writer.Write(Format);
        writer.Write(count);
        foreach (var d in imageShape) writer.Write(checked((int)d));
        writer.Write(byteScale ?? 0f);
        return header;
    }

    public void Dispose()
    {
        stopDecoding?.Cancel();
        // Decoding ends at its next row; what stopped it no longer matters.
        try { decoding?.Wait(); }
        catch (AggregateException) { }
        file.Dispose();
        stopDecoding?.Dispose();
    }
}

/// <summary>Images of a batch as they lie in the store: make them a tensor with <see cref="ToTensor"/>, once.</summary>
internal sealed class ImageBatch(ImageStore store, int[] indices, byte[] buffer)
{
    /// <summary>Which images, as indices into the store.</summary>
    public int[] Indices { get; } = indices;

    internal byte[] Buffer { get; } = buffer;

    bool taken;

    /// <summary>The images as a float32 tensor [batch, channels, height, width], in the current dispose scope. Once: the buffer then goes back to its pool.</summary>
    public Tensor ToTensor()
    {
        if (taken) throw new InvalidOperationException("a batch becomes a tensor once");
        taken = true;
        return store.ToTensor(this);
    }
}
