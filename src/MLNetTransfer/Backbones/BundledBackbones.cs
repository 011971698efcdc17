
namespace MLNetTransfer.Backbones;

/// <summary>Backbones that ship with the framework's NuGet dependencies.</summary>
public static class BundledBackbones
{
    /// <summary>Names accepted by <c>backbone.name</c>.</summary>
    public static IReadOnlyList<string> Names { get; } = ["resnet18"];

    /// <summary>
    /// The ImageNet ResNet18 of <c>Microsoft.ML.DnnImageFeaturizer.ResNet18</c> (converted from CNTK), the same graph
    /// ML.NET's DnnImageFeaturizer runs: RGB 0-255 pixels, then the package's ResNetPreprocess.onnx (to BGR, minus the
    /// ImageNet mean image), then the network up to its 512-wide global average pool.
    /// </summary>
    public static Backbone ResNet18()
    {
        var root = Path.Combine(AppContext.BaseDirectory, "DnnImageModels");
        var preprocess = Path.Combine(root, "ResNetPrepOnnx", "ResNetPreprocess.onnx");
        var model = Path.Combine(root, "ResNet18Onnx", "ResNet18.onnx");
        foreach (var file in new[] { preprocess, model })
            if (!File.Exists(file))
                throw new FileNotFoundException(
                    $"The bundled ResNet18 model is missing: {file}. It is copied there by the Microsoft.ML.DnnImageFeaturizer.ResNet18 package at build time.", file);
        return new Backbone(
            "resnet18",
            new OnnxStage(model, "Input247", "Pooling395_Output_0"),
            224, 224, ChannelOrder.Rgb, 1f,
            new OnnxStage(preprocess, "OriginalInput", "PreprocessedInput"));
    }

    /// <summary>The bundled backbone called <paramref name="name"/>.</summary>
    public static Backbone Get(string name) => name switch
    {
        "resnet18" => ResNet18(),
        _ => throw new ArgumentException($"unknown backbone '{name}'; bundled: {string.Join(", ", Names)}", nameof(name)),
    };
}
