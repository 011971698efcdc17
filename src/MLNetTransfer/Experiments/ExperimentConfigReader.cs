using System.Text.Json;
using System.Text.RegularExpressions;
using MLNetTransfer.Core;

namespace MLNetTransfer.Experiments;

/// <summary>
/// Reads an experiment config strictly: syntax, unknown or misspelt fields, wrong types and missing fields become a
/// <see cref="ConfigException"/> that names the file and the field; then <see cref="ExperimentConfigValidator"/>
/// checks values and folders.
/// </summary>
public static partial class ExperimentConfigReader
{
    /// <summary>Reads, parses and validates the config file at <paramref name="path"/>; its <see cref="ExperimentDefinition.Resolved"/> has the mode's defaults filled in.</summary>
    public static ExperimentDefinition Read(string path)
    {
        if (!File.Exists(path)) throw new ConfigException(path, "", "file not found");
        var config = Parse(File.ReadAllText(path), path);
        var definition = new ExperimentDefinition(path, config);
        ExperimentConfigValidator.Validate(definition);
        return definition;
    }

    /// <summary>Parses config text; <paramref name="file"/> names it in errors.</summary>
    public static ExperimentConfig Parse(string json, string file)
    {
        try
        {
            return JsonSerializer.Deserialize<ExperimentConfig>(json, ConfigJson.Options)
                   ?? throw new ConfigException(file, "", "the file holds null, not an experiment object");
        }
        catch (JsonException e)
        {
            throw Explain(e, file);
        }
    }

    static ConfigException Explain(JsonException e, string file)
    {
        var field = FieldOf(e.Path);
        var message = e.Message;
        var where = e.LineNumber is { } line ? $" (line {line + 1})" : "";

        var unknown = UnknownField().Match(message);
        if (unknown.Success)
        {
            var name = unknown.Groups["name"].Value;
            var known = KnownFields(unknown.Groups["type"].Value);
            var suggestion = Closest(name, known) is { } close ? $"; did you mean '{close}'?" : "";
            // The reader's path already ends at the unknown property.
            return new ConfigException(file, field.EndsWith(name, StringComparison.Ordinal) ? field : Join(field, name),
                $"unknown field{suggestion} Known fields here: {string.Join(", ", known)}{where}", e);
        }

        var missing = MissingFields().Match(message);
        if (missing.Success)
        {
            var names = missing.Groups["names"].Value.Replace("'", "");
            return new ConfigException(file, Join(field, names.Split(',')[0].Trim()), $"required field is missing{where}", e);
        }

        if (message.Contains("could not be converted to", StringComparison.Ordinal) && ExpectedType(message) is { } expected)
            return new ConfigException(file, field, $"expected {expected}{where}", e);

        if (message.Contains("null", StringComparison.OrdinalIgnoreCase) && message.Contains("nullable", StringComparison.OrdinalIgnoreCase))
            return new ConfigException(file, field, $"must not be null{where}", e);

        var reason = message.Split(" Path:")[0].Split(" LineNumber:")[0];
        return new ConfigException(file, field, $"invalid JSON{where}: {reason}", e);
    }

    static string FieldOf(string? jsonPath) =>
        string.IsNullOrEmpty(jsonPath) || jsonPath == "$" ? "" : jsonPath.StartsWith("$.") ? jsonPath[2..] : jsonPath.TrimStart('$');

    static string Join(string parent, string child) => parent.Length == 0 ? child : $"{parent}.{child}";

    static IReadOnlyList<string> KnownFields(string typeName)
    {
        var type = typeof(ExperimentConfig).Assembly.GetType(typeName);
        if (type is null) return [];
        return ConfigJson.Options.GetTypeInfo(type).Properties.Select(p => p.Name).ToList();
    }

    static string? ExpectedType(string message)
    {
        var target = ConvertTarget().Match(message);
        if (!target.Success) return null;
        var typeName = target.Groups["type"].Value.TrimEnd('.');
        var nullable = NullableOf().Match(typeName);
        if (nullable.Success) typeName = nullable.Groups["inner"].Value;
        var type = typeof(ExperimentConfig).Assembly.GetType(typeName) ?? Type.GetType(typeName);
        if (type is null) return $"a value of type {typeName}";
        if (type.IsEnum)
            return "one of: " + string.Join(", ", ConfigJson.Names(type));
        if (type == typeof(string)) return "a string";
        if (type == typeof(int) || type == typeof(long)) return "a whole number";
        if (type == typeof(float) || type == typeof(double)) return "a number";
        if (type == typeof(bool)) return "true or false";
        if (type.IsArray) return "an array of numbers";
        return "an object with fields " + string.Join(", ", KnownFields(type.FullName!));
    }

    /// <summary>The known name nearest to a misspelt one (edit distance at most a third of its length), if any.</summary>
    internal static string? Closest(string name, IEnumerable<string> known) =>
        known.Select(k => (Name: k, Distance: EditDistance(name.ToLowerInvariant(), k.ToLowerInvariant())))
             .Where(c => c.Distance <= Math.Max(1, name.Length / 3))
             .OrderBy(c => c.Distance)
             .Select(c => c.Name)
             .FirstOrDefault();

    /// <summary>The <paramref name="count"/> known names nearest to <paramref name="name"/>, nearest first.</summary>
    internal static IReadOnlyList<string> Nearest(string name, IEnumerable<string> known, int count) =>
        known.OrderBy(k => EditDistance(name.ToLowerInvariant(), k.ToLowerInvariant())).ThenBy(k => k, StringComparer.Ordinal).Take(count).ToList();

    static int EditDistance(string a, string b)
    {
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var current = new int[b.Length + 1];
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            previous = current;
        }
        return previous[b.Length];
    }

    [GeneratedRegex(@"The JSON property '(?<name>.+?)' could not be mapped to any \.NET member contained in type '(?<type>[^']+)'")]
    private static partial Regex UnknownField();

    [GeneratedRegex(@"missing required properties including: (?<names>.+?)\.?( Path|$)")]
    private static partial Regex MissingFields();

    [GeneratedRegex(@"could not be converted to (?<type>[^\s]+)")]
    private static partial Regex ConvertTarget();

    [GeneratedRegex(@"^System\.Nullable`1\[\[?(?<inner>[^,\]]+)")]
    private static partial Regex NullableOf();
}
