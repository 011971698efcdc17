namespace MLNetTransfer.Core;

/// <summary>Files written beside their final name and renamed into place, so no reader ever sees half a file.</summary>
internal static class AtomicFile
{
    /// <summary>Lets <paramref name="write"/> fill a temporary path next to <paramref name="path"/>, then renames it to <paramref name="path"/>.</summary>
    public static void Write(string path, Action<string> write)
    {
        var temporary = path + ".partial";
        write(temporary);
        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>Writes <paramref name="text"/> to <paramref name="path"/> through a temporary file.</summary>
    public static void WriteText(string path, string text) => Write(path, temporary => File.WriteAllText(temporary, text));
}
