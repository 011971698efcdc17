namespace MLNetTransfer.Backbones;

/// <summary>
/// Writes the per-channel <c>(x - mean) / std</c> step of a user's preprocessing as a two-node ONNX graph. ML.NET's
/// ExtractPixels only scales by one number for all channels, and the saved model must run without this project's
/// code, so the per-channel part becomes ONNX that ONNX Runtime runs (and that the model.zip embeds).
/// </summary>
internal static class NormalizationModel
{
    public const string InputName = "pixels";
    public const string OutputName = "normalized";

    /// <summary>Writes the graph to <paramref name="path"/> for images of the given size.</summary>
    public static OnnxStage Write(string path, int width, int height, float[] mean, float[] std)
    {
        long[] image = [1, 3, height, width], perChannel = [1, 3, 1, 1];
        new OnnxGraphBuilder("normalize")
            .Input(InputName, image)
            .Output(OutputName, image)
            .Constant("mean", perChannel, mean)
            .Constant("std", perChannel, std)
            .Node("Sub", "subtract_mean", [InputName, "mean"], ["centred"])
            .Node("Div", "divide_by_std", ["centred", "std"], [OutputName])
            .Save(path);
        return new OnnxStage(path, InputName, OutputName);
    }
}
