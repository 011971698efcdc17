using System.Text.Json;
using System.Text.Json.Serialization;

namespace MLNetTransfer.Experiments;

/// <summary>The one set of JSON rules for configs, resolved configs in run folders and the published schema.</summary>
internal static class ConfigJson
{
    /// <summary>camelCase fields, kebab-case enum values, unknown fields rejected, nulls only where a field is optional.</summary>
    public static JsonSerializerOptions Options { get; } = Create(writeNulls: false);

    /// <summary>
    /// The same rules for the files a run writes and reads back (run.json, metrics.json, report.json): nulls are
    /// written, so a record whose optional value is absent (no validation set, no AUC) reads back as it was written.
    /// </summary>
    public static JsonSerializerOptions RunFileOptions { get; } = Create(writeNulls: true);

    /// <summary>How a config spells an enum value: its JsonStringEnumMemberName, else kebab-case (FeatureExtraction: feature-extraction).</summary>
    public static string Name(Enum value) => Spelling(value.GetType().GetField(value.ToString())!);

    /// <summary>Every spelling an enum type accepts, in declaration order.</summary>
    public static IEnumerable<string> Names(Type enumType) =>
        enumType.GetFields(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static).Select(Spelling);

    static string Spelling(System.Reflection.FieldInfo field) =>
        field.GetCustomAttributes(typeof(JsonStringEnumMemberNameAttribute), false).OfType<JsonStringEnumMemberNameAttribute>().FirstOrDefault()?.Name
        ?? JsonNamingPolicy.KebabCaseLower.ConvertName(field.Name);

    static JsonSerializerOptions Create(bool writeNulls)
    {
        var options = new JsonSerializerOptions
        {
            PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
            UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
            RespectNullableAnnotations = true,
            RespectRequiredConstructorParameters = true,
            ReadCommentHandling = JsonCommentHandling.Skip,
            AllowTrailingCommas = true,
            WriteIndented = true,
            DefaultIgnoreCondition = writeNulls ? JsonIgnoreCondition.Never : JsonIgnoreCondition.WhenWritingNull,
        };
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower, allowIntegerValues: false));
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
