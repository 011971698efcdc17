using Microsoft.ML;

namespace MLNetTransfer.Pipelines;

/// <summary>
/// One cursor over a data view, rows computed in the reading thread, not the cursor ML.NET splits over threads by
/// default for an image chain. The split cursor hands each row through a pipe in a new buffer, so every 224 x 224 image
/// became a new 602 KB array on the large-object heap, collected late (a feature extraction with augmented copies
/// peaked over 3 GB); and a split cursor that meets an unreadable file fails as a whole, while one cursor's getter
/// fails for that row alone and the cursor moves on. Callers that want decoding beside other work run it on a worker.
/// </summary>
internal static class SerialCursor
{
    public static DataViewRowCursor Over(IDataView data, IEnumerable<DataViewSchema.Column> columns, Random? rand = null)
    {
        var set = data.GetRowCursorSet(columns, 1, rand);
        if (set.Length == 1) return set[0];
        foreach (var cursor in set) cursor.Dispose();
        return data.GetRowCursor(columns, rand);
    }
}
