using Onnx;
using TorchSharp;
using static TorchSharp.torch;

namespace MLNetTransfer.Backbones.Import;

/// <summary>Conversions between ONNX <see cref="TensorProto"/> values and TorchSharp tensors.</summary>
internal static class OnnxTensors
{
    public static bool IsFloat(TensorProto t) => t.DataType == (int)TensorProto.Types.DataType.Float;

    public static float[] ToFloat(TensorProto t)
    {
        if (!IsFloat(t)) return ToInt64(t).Select(v => (float)v).ToArray();
        if (t.FloatData.Count > 0) return t.FloatData.ToArray();
        var raw = t.RawData.Span;
        var values = new float[raw.Length / 4];
        System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(raw).CopyTo(values);
        return values;
    }

    public static long[] ToInt64(TensorProto t)
    {
        switch ((TensorProto.Types.DataType)t.DataType)
        {
            case TensorProto.Types.DataType.Int64:
                if (t.Int64Data.Count > 0) return t.Int64Data.ToArray();
                return System.Runtime.InteropServices.MemoryMarshal.Cast<byte, long>(t.RawData.Span).ToArray();
            case TensorProto.Types.DataType.Int32:
                if (t.Int32Data.Count > 0) return t.Int32Data.Select(v => (long)v).ToArray();
                return System.Runtime.InteropServices.MemoryMarshal.Cast<byte, int>(t.RawData.Span).ToArray().Select(v => (long)v).ToArray();
            case TensorProto.Types.DataType.Float:
                return ToFloat(t).Select(v => (long)v).ToArray();
            default:
                throw new NotSupportedException($"tensor '{t.Name}' has ONNX data type {t.DataType}; float, int32 and int64 are supported");
        }
    }

    public static Tensor ToTensor(TensorProto t) => tensor(ToFloat(t), t.Dims.ToArray());

    /// <summary>Writes <paramref name="value"/> into <paramref name="target"/> as float raw data, keeping its name and shape.</summary>
    public static void Store(Tensor value, TensorProto target)
    {
        using var cpu = value.detach().cpu().contiguous();
        var values = cpu.data<float>().ToArray();
        target.FloatData.Clear();
        target.DataType = (int)TensorProto.Types.DataType.Float;
        var bytes = new byte[values.Length * 4];
        Buffer.BlockCopy(values, 0, bytes, 0, bytes.Length);
        target.RawData = Google.Protobuf.ByteString.CopyFrom(bytes);
    }
}
