using System.Text.Json;
using System.Text.Json.Serialization;

namespace MLNetTransfer.Experiments;

/// <summary>
/// <c>dataset.labels</c> as a config spells it: the string <c>"folders"</c> (the default, written out), or an object
/// with <c>fileName</c> or <c>csv</c>. A labels object without either is written back as <c>"folders"</c>.
/// </summary>
internal sealed class LabelsConfigJson : JsonConverter<LabelsConfig>
{
    /// <summary>The string that names the default source, one sub-folder per class.</summary>
    public const string Folders = "folders";

    // The one place this converter is used, for paths in errors from inside the object.
    const string Path = "$.dataset.labels";

    public override LabelsConfig? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.String)
        {
            var name = reader.GetString();
            return name == Folders ? new LabelsConfig()
                : throw new JsonException($"'{name}' is not a label source: write \"{Folders}\", {{ \"fileName\": \"<pattern>\" }} or {{ \"csv\": \"<file>\" }}", Path, null, null);
        }
        try
        {
            return JsonSerializer.Deserialize<LabelsConfig>(ref reader, options);
        }
        catch (JsonException e) when (e.Path is { } inner && !inner.StartsWith(Path, StringComparison.Ordinal))
        {
            // Deserialized on its own, the object's errors say where they are from its start only.
            throw new JsonException(e.Message, Path + inner.TrimStart('$'), e.LineNumber, e.BytePositionInLine, e);
        }
    }

    public override void Write(Utf8JsonWriter writer, LabelsConfig value, JsonSerializerOptions options)
    {
        if (value is { FileName: null, Csv: null }) writer.WriteStringValue(Folders);
        else JsonSerializer.Serialize(writer, value, options);
    }
}
