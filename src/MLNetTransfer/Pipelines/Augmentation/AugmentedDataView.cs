using Microsoft.ML;
using Microsoft.ML.Data;
using static TorchSharp.torch;

namespace MLNetTransfer.Pipelines.Augmentation;

/// <summary>
/// A data view whose pixel column is augmented as it is read. Each cursor is one pass (one epoch): pass p, row r gets
/// the draw for (seed, p, r), so every epoch sees new images and the same seed replays them all.
/// </summary>
internal sealed class AugmentedDataView(IDataView source, string column, int width, int height, ImageAugmenter augmenter) : IDataView
{
    int passes = -1;

    public bool CanShuffle => false;
    public DataViewSchema Schema => source.Schema;
    public long? GetRowCount() => source.GetRowCount();

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null) =>
        new Cursor(SerialCursor.Over(source, columnsNeeded, rand), Schema[column].Index, Interlocked.Increment(ref passes), width, height, augmenter);

    // One cursor keeps row positions, and so the draws, in order.
    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) =>
        [GetRowCursor(columnsNeeded, rand)];

    sealed class Cursor(DataViewRowCursor inner, int pixels, int pass, int width, int height, ImageAugmenter augmenter) : DataViewRowCursor
    {
        // One image's pixels are over 85 KB, so a new array per image lands on the large-object heap, which is collected
        // late: a pass over thousands of images held gigabytes of them. The cursor keeps one buffer and one tensor that
        // views it, in and out (torch.tensor and TensorAccessor.CopyTo each make a new array per image); the caller's
        // VBuffer takes the result.
        readonly float[] buffer = new float[3 * height * width];
        Tensor? input;

        public override DataViewSchema Schema => inner.Schema;
        public override long Position => inner.Position;
        public override long Batch => inner.Batch;
        public override bool MoveNext() => inner.MoveNext();
        public override bool IsColumnActive(DataViewSchema.Column column) => inner.IsColumnActive(column);
        public override ValueGetter<DataViewRowId> GetIdGetter() => inner.GetIdGetter();

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
        {
            if (column.Index != pixels) return inner.GetGetter<TValue>(column);
            var source = inner.GetGetter<VBuffer<float>>(column);
            VBuffer<float> original = default;
            input ??= ViewOf(buffer, height, width);
            ValueGetter<VBuffer<float>> augmented = (ref VBuffer<float> value) =>
            {
                source(ref original);
                original.CopyTo(buffer);
                using var scope = NewDisposeScope();
                input.copy_(augmenter.Apply(input, pass, [(int)Position]));
                var editor = VBufferEditor.Create(ref value, buffer.Length);
                buffer.CopyTo(editor.Values);
                value = editor.Commit();
            };
            return (ValueGetter<TValue>)(Delegate)augmented;
        }

        static Tensor ViewOf(float[] buffer, int height, int width)
        {
            using var flat = frombuffer(buffer, ScalarType.Float32);
            return flat.reshape(1, 3, height, width).DetachFromDisposeScope();
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                input?.Dispose();
                inner.Dispose();
            }
            base.Dispose(disposing);
        }
    }
}
