namespace MLNetTransfer.Backbones;

/// <summary>One ONNX file with the input and output tensor it is used through.</summary>
/// <param name="Path">The .onnx file.</param>
/// <param name="InputName">The graph input the previous step feeds.</param>
/// <param name="OutputName">The graph output the next step reads.</param>
public sealed record OnnxStage(string Path, string InputName, string OutputName);
