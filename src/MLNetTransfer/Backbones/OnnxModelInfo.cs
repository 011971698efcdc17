using Onnx;

namespace MLNetTransfer.Backbones;

/// <summary>The inputs and outputs an ONNX file declares, and the tensors its nodes compute, read without running it.</summary>
/// <param name="Inputs">The graph inputs, initializers excluded.</param>
/// <param name="Outputs">The graph outputs.</param>
/// <param name="Computed">Every tensor a node computes.</param>
/// <param name="ExternalData">Initializers whose values live in another file: (initializer, the file as written in the model).</param>
public sealed record OnnxModelInfo(IReadOnlyList<OnnxTensorInfo> Inputs, IReadOnlyList<OnnxTensorInfo> Outputs, IReadOnlySet<string> Computed,
    IReadOnlyList<(string Tensor, string Location)> ExternalData)
{
    /// <summary>Reads the graph's declared inputs (initializers excluded) and outputs.</summary>
    /// <exception cref="InvalidDataException">The file is not an ONNX model.</exception>
    public static OnnxModelInfo Read(string path) => Of(Parse(path));

    /// <summary>The ONNX model in <paramref name="path"/>, parsed once for callers that also import it.</summary>
    /// <exception cref="InvalidDataException">The file is not an ONNX model.</exception>
    internal static ModelProto Parse(string path)
    {
        try
        {
            return ModelProto.Parser.ParseFrom(File.ReadAllBytes(path));
        }
        catch (Google.Protobuf.InvalidProtocolBufferException e)
        {
            throw new InvalidDataException($"{path} is not a valid ONNX model: {e.Message}", e);
        }
    }

    internal static OnnxModelInfo Of(ModelProto model)
    {
        var initializers = model.Graph.Initializer.Select(i => i.Name).ToHashSet();
        return new OnnxModelInfo(
            model.Graph.Input.Where(i => !initializers.Contains(i.Name)).Select(OnnxTensorInfo.From).ToList(),
            model.Graph.Output.Select(OnnxTensorInfo.From).ToList(),
            model.Graph.Node.SelectMany(n => n.Output).ToHashSet(),
            model.Graph.Initializer.Where(i => i.DataLocation == TensorProto.Types.DataLocation.External)
                .Select(i => (i.Name, i.ExternalData.FirstOrDefault(e => e.Key == "location")?.Value ?? "")).ToList());
    }
}

/// <summary>A named tensor and its shape; a dimension is null where the model leaves it free.</summary>
public sealed record OnnxTensorInfo(string Name, IReadOnlyList<long?> Shape)
{
    internal static OnnxTensorInfo From(ValueInfoProto value) =>
        new(value.Name, value.Type?.TensorType?.Shape?.Dim.Select(d => d.ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue ? d.DimValue : (long?)null).ToList() ?? []);

    /// <summary>Values per image: the product of every dimension after the batch one, or null if one is free.</summary>
    public long? LengthPerImage => Shape.Skip(1).Aggregate((long?)1, (product, d) => product * d);

    public override string ToString() => $"{Name} [{string.Join(",", Shape.Select(d => d?.ToString() ?? "?"))}]";
}
