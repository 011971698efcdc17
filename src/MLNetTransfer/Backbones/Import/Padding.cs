using TorchSharp;
using static TorchSharp.torch;

namespace MLNetTransfer.Backbones.Import;

/// <summary>ONNX's spatial padding rules (explicit pads or auto_pad) for convolutions and pools over [N, C, H, W].</summary>
internal sealed class Padding
{
    readonly string autoPad;
    readonly long[] pads;

    Padding(string autoPad, long[] pads)
    {
        this.autoPad = autoPad;
        this.pads = pads;
    }

    /// <summary>Reads auto_pad and pads of <paramref name="node"/>.</summary>
    public static Padding Read(OnnxNode node)
    {
        var autoPad = node.String("auto_pad", "NOTSET");
        if (autoPad is not ("NOTSET" or "SAME_UPPER" or "SAME_LOWER" or "VALID"))
            throw node.Fail("auto_pad", $"unknown value '{autoPad}'");
        var pads = node.Ints("pads") ?? [0, 0, 0, 0];
        if (pads.Length != 4) throw node.Fail("pads", $"{pads.Length} values; 2-D operators have 4 (top, left, bottom, right)");
        return new Padding(autoPad, pads);
    }

    /// <summary>(top, left, bottom, right) for an input of the given spatial size.</summary>
    public (long Top, long Left, long Bottom, long Right) For(long height, long width, long[] kernel, long[] strides, long[] dilations)
    {
        if (autoPad == "VALID") return (0, 0, 0, 0);
        if (autoPad == "NOTSET") return (pads[0], pads[1], pads[2], pads[3]);
        (long, long) Same(long size, int d)
        {
            var output = (size + strides[d] - 1) / strides[d];
            var total = Math.Max(0, (output - 1) * strides[d] + (kernel[d] - 1) * dilations[d] + 1 - size);
            // SAME_UPPER puts the odd pixel at the end, SAME_LOWER at the start.
            return autoPad == "SAME_UPPER" ? (total / 2, total - total / 2) : (total - total / 2, total / 2);
        }
        var (top, bottom) = Same(height, 0);
        var (left, right) = Same(width, 1);
        return (top, left, bottom, right);
    }

    /// <summary>
    /// Pads that torch's operator can take itself (symmetric, at most half the kernel) come back as its padding
    /// argument; others are applied here with <paramref name="value"/>, and the operator gets no padding.
    /// </summary>
    public (Tensor Input, long[] Padding) Apply(Tensor x, long[] kernel, long[] strides, long[] dilations, double value)
    {
        var (top, left, bottom, right) = For(x.shape[2], x.shape[3], kernel, strides, dilations);
        if (top == bottom && left == right && top <= kernel[0] / 2 && left <= kernel[1] / 2)
            return (x, [top, left]);
        return (nn.functional.pad(x, [left, right, top, bottom], PaddingModes.Constant, value), [0, 0]);
    }
}
