using System.ComponentModel;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Encodings.Web;
using System.Text.Json.Schema;

namespace MLNetTransfer.Experiments;

/// <summary>
/// The JSON Schema of experiment configs, generated from <see cref="ExperimentConfig"/> with the same serializer rules
/// the reader uses, so the schema an editor checks against can never drift from what the tool accepts. Published as
/// <c>configs/experiment.schema.json</c>; a test keeps that file equal to this.
/// </summary>
public static class ConfigSchema
{
    public const string Id = "https://github.com/mlnettransfer/mlnettransfer/configs/experiment.schema.json";

    /// <summary>The schema as indented JSON text.</summary>
    public static string Generate()
    {
        JsonSchemaExporterOptions? exporter = null;
        exporter = new JsonSchemaExporterOptions
        {
            TreatNullObliviousAsNonNullable = true,
            TransformSchemaNode = (context, node) =>
            {
                // dataset.labels has a converter of its own (a string or an object): the exporter cannot see its forms.
                if (context.PropertyInfo is { } labels && labels.PropertyType == typeof(LabelsConfig)) node = LabelsSchema(exporter!);
                var description = context.PropertyInfo?.AttributeProvider?.GetCustomAttributes(typeof(DescriptionAttribute), false)
                    .OfType<DescriptionAttribute>().FirstOrDefault()?.Description
                    ?? (context.PropertyInfo is null ? context.TypeInfo.Type.GetCustomAttribute<DescriptionAttribute>()?.Description : null);
                if (description is not null && node is JsonObject obj) obj.Insert(0, "description", description);
                return node;
            },
        };
        var schema = ConfigJson.Options.GetJsonSchemaAsNode(typeof(ExperimentConfig), exporter).AsObject();
        schema.Insert(0, "$schema", "https://json-schema.org/draft/2020-12/schema");
        schema.Insert(1, "$id", Id);
        schema.Insert(2, "title", "MLNetTransfer experiment");
        return schema.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) + "\n";
    }

    // "folders", or the labels object as the type alone is exported.
    static JsonObject LabelsSchema(JsonSchemaExporterOptions exporter) => new()
    {
        ["anyOf"] = new JsonArray(
            new JsonObject { ["const"] = LabelsConfigJson.Folders },
            ConfigJson.Options.GetJsonSchemaAsNode(typeof(LabelsConfig), exporter),
            new JsonObject { ["type"] = "null" }),
    };
}
