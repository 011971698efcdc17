using System.ComponentModel;

namespace MLNetTransfer.Experiments;

/// <summary>The TorchSharp classifier head of frozen-base, fine-tune and from-scratch runs.</summary>
public sealed record ClassifierConfig
{
    [Description("Widths of hidden dense layers (ReLU) between the backbone and the output. Default: [256] ([512] for from-scratch, as in the book).")]
    public int[]? HiddenUnits { get; init; }

    [Description("Dropout rate before each dense layer. Default: 0.5.")]
    public double Dropout { get; init; } = 0.5;
}
