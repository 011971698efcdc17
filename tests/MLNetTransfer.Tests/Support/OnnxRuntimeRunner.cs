using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace MLNetTransfer.Tests.Support;

/// <summary>Runs an ONNX file with ONNX Runtime directly: the reference the TorchSharp import is checked against.</summary>
public static class OnnxRuntimeRunner
{
    public static float[] Run(string modelPath, string inputName, float[] input, int[] shape, string? outputName = null)
    {
        using var session = new InferenceSession(modelPath);
        var feed = NamedOnnxValue.CreateFromTensor(inputName, new DenseTensor<float>(input, shape));
        using var results = session.Run([feed], outputName is null ? session.OutputMetadata.Keys.Take(1).ToList() : [outputName]);
        return results.First().AsEnumerable<float>().ToArray();
    }
}
