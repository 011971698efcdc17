using static TorchSharp.torch;

namespace MLNetTransfer.Backbones.Import;

internal static class ConvolutionOperators
{
    /// <summary>Conv over [N, C, H, W] with groups, dilations, strides, explicit or automatic pads.</summary>
    public static Kernel Conv(OnnxNode node)
    {
        var declaredKernel = node.Ints("kernel_shape");
        if (declaredKernel is { Length: not 2 }) throw node.Fail("kernel_shape", $"{declaredKernel.Length}-D convolution; only 2-D is supported");
        var strides = node.Ints("strides") ?? [1, 1];
        var dilations = node.Ints("dilations") ?? [1, 1];
        var groups = node.Int("group", 1);
        var padding = Padding.Read(node);
        return (inputs, _) =>
        {
            var (x, weight, bias) = (inputs[0]!, inputs[1]!, inputs.Length > 2 ? inputs[2] : null);
            if (x.dim() != 4) throw node.Fail(null, $"input has {x.dim()} dimensions; only [N, C, H, W] is supported");
            long[] kernel = [weight.shape[2], weight.shape[3]];
            var (padded, pads) = padding.Apply(x, kernel, strides, dilations, 0);
            return nn.functional.conv2d(padded, weight, bias, strides, pads, dilations, groups);
        };
    }
}
