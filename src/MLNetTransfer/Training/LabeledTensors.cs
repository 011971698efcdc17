using static TorchSharp.torch;

namespace MLNetTransfer.Training;

/// <summary>Images as one tensor [N, ...] at the backbone's input, with each one's class index.</summary>
public sealed record LabeledTensors(Tensor Inputs, long[] Labels)
{
    public int Count => Labels.Length;
}
