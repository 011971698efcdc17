using System.Buffers;
using Microsoft.Win32.SafeHandles;
using MLNetTransfer.Core;
using static TorchSharp.torch;

namespace MLNetTransfer.Training;

/// <summary>
/// What a phase's frozen layers output for each image, computed once per phase and read back by index. Stored in
/// bfloat16, half of float32: the trained layers that read it are convolutions or the head, and under mixed bfloat16
/// convolutions round their input to bfloat16 anyway (docs/training.md, Streaming and memory, has the float32 measurement). Held
/// in memory when it fits the memory budget, in a temporary file read batch by batch beyond it.
/// </summary>
internal sealed class FrozenOutputs : IDisposable
{
    readonly Tensor? inMemory;
    readonly SafeFileHandle? file;
    readonly long[] rowShape;
    readonly int rowBytes;
    readonly int count;

    FrozenOutputs(Tensor? inMemory, SafeFileHandle? file, int count, long[] rowShape)
    {
        this.inMemory = inMemory;
        this.file = file;
        this.count = count;
        this.rowShape = rowShape;
        rowBytes = RowBytes(rowShape);
    }

    // bfloat16: two bytes a value.
    static int RowBytes(long[] rowShape) => checked((int)rowShape.Aggregate(2L, (a, b) => a * b));

    /// <summary>Whether the outputs are in memory (else on disk).</summary>
    public bool InMemory => inMemory is not null;

    /// <summary>The bytes all outputs take.</summary>
    public long Bytes => (long)count * rowBytes;

    /// <summary>
    /// Runs <paramref name="frozen"/> over every image of <paramref name="images"/> in order and keeps its outputs.
    /// </summary>
    /// <param name="images">The images.</param>
    /// <param name="frozen">The frozen layers, from a batch of images to their output; called under no_grad.</param>
    /// <param name="batchSize">Images per call.</param>
    /// <param name="budgetBytes">Held in memory up to this size; beyond it, on disk.</param>
    /// <param name="scratchFolder">Where the file goes when it is on disk; null: the system's temporary folder.</param>
    /// <param name="cancellation">Stops between batches.</param>
    public static FrozenOutputs Compute(ImageStore images, Func<Tensor, Tensor> frozen, int batchSize, long budgetBytes, string? scratchFolder,
        CancellationToken cancellation)
    {
        using var _ = no_grad();
        FrozenOutputs? outputs = null;
        try
        {
            var start = 0L;
            foreach (var batch in images.InOrder(batchSize, cancellation))
            {
                using var scope = NewDisposeScope();
                var output = frozen(batch.ToTensor()).to(ScalarType.BFloat16).contiguous();
                outputs ??= Allocate(images.Count, output.shape[1..], budgetBytes, scratchFolder);
                outputs.Write(start, output);
                start += output.shape[0];
            }
            return outputs ?? throw new InvalidOperationException("there are no images");
        }
        catch
        {
            outputs?.Dispose();
            throw;
        }
    }

    static FrozenOutputs Allocate(int count, long[] rowShape, long budgetBytes, string? scratchFolder)
    {
        var bytes = (long)count * RowBytes(rowShape);
        return bytes <= budgetBytes
            ? new FrozenOutputs(empty([count, .. rowShape], ScalarType.BFloat16).DetachFromDisposeScope(), null, count, rowShape)
            : new FrozenOutputs(null, ScratchFile.Create(scratchFolder, ".frozen", bytes), count, rowShape);
    }

    void Write(long start, Tensor rows)
    {
        if (inMemory is not null)
        {
            inMemory.narrow(0, start, rows.shape[0]).copy_(rows);
            return;
        }
        RandomAccess.Write(file!, rows.bytes, start * rowBytes);
    }

    /// <summary>The outputs of the images at <paramref name="indices"/>, as float32, in the current dispose scope.</summary>
    public Tensor Rows(int[] indices)
    {
        if (inMemory is not null)
            return inMemory.index_select(0, tensor(indices.Select(i => (long)i).ToArray())).to(ScalarType.Float32);
        var buffer = ArrayPool<byte>.Shared.Rent(indices.Length * rowBytes);
        try
        {
            for (var i = 0; i < indices.Length; i++)
                if (RandomAccess.Read(file!, buffer.AsSpan(i * rowBytes, rowBytes), (long)indices[i] * rowBytes) != rowBytes)
                    throw new IOException($"the frozen layers' outputs end before image {indices[i]}");
            var rows = empty([indices.Length, .. rowShape], ScalarType.BFloat16);
            rows.bytes = buffer.AsSpan(0, indices.Length * rowBytes);
            return rows.to(ScalarType.Float32);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public void Dispose()
    {
        inMemory?.Dispose();
        file?.Dispose();
    }
}
