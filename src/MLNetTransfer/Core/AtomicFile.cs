namespace MLNetTransfer.Core;

/// <summary>Files written beside their final name and renamed into place, so no reader ever sees half a file.</summary>
internal static class AtomicFile
{
    /// <summary>Lets <paramref name="write"/> fill a temporary path next to <paramref name="path"/>, then renames it to <paramref name="path"/>.</summary>
    /// <remarks>A write that fails (a full disk) removes its temporary file, so nothing half-written stays behind.</remarks>
    public static void Write(string path, Action<string> write)
    {
        var temporary = path + ".partial";
        try
        {
            write(temporary);
            File.Move(temporary, path, overwrite: true);
        }
        catch
        {
            try
            {
                File.Delete(temporary);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // The write's own error says more than this one would.
            }
            throw;
        }
    }

    /// <summary>Writes <paramref name="text"/> to <paramref name="path"/> through a temporary file.</summary>
    public static void WriteText(string path, string text) => Write(path, temporary => File.WriteAllText(temporary, text));
}
