using Google.Protobuf;
using Onnx;

namespace MLNetTransfer.Backbones;

/// <summary>
/// Writes the per-channel <c>(x - mean) / std</c> step of a user's preprocessing as a two-node ONNX graph. ML.NET's
/// ExtractPixels only scales by one number for all channels, and the saved model must run without this project's
/// code, so the per-channel part becomes ONNX that ONNX Runtime runs (and that the model.zip embeds).
/// </summary>
public static class NormalizationModel
{
    public const string InputName = "pixels";
    public const string OutputName = "normalized";

    /// <summary>Writes the graph to <paramref name="path"/> for images of the given size.</summary>
    public static OnnxStage Write(string path, int width, int height, float[] mean, float[] std)
    {
        var shape = new long[] { 1, 3, height, width };
        var graph = new GraphProto { Name = "normalize" };
        graph.Input.Add(Tensor(InputName, shape));
        graph.Output.Add(Tensor(OutputName, shape));
        graph.Initializer.Add(Constant("mean", mean));
        graph.Initializer.Add(Constant("std", std));
        graph.Node.Add(new NodeProto { OpType = "Sub", Name = "subtract_mean", Input = { InputName, "mean" }, Output = { "centred" } });
        graph.Node.Add(new NodeProto { OpType = "Div", Name = "divide_by_std", Input = { "centred", "std" }, Output = { OutputName } });
        var model = new ModelProto { IrVersion = 7, ProducerName = "MLNetTransfer", Graph = graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 13 });
        File.WriteAllBytes(path, model.ToByteArray());
        return new OnnxStage(path, InputName, OutputName, 3 * width * height);
    }

    static TensorProto Constant(string name, float[] perChannel)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float, Dims = { 1, 3, 1, 1 } };
        tensor.FloatData.AddRange(perChannel);
        return tensor;
    }

    static ValueInfoProto Tensor(string name, long[] shape)
    {
        var type = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = new TensorShapeProto() };
        foreach (var d in shape) type.Shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = d });
        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = type } };
    }
}
