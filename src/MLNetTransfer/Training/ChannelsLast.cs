using static TorchSharp.torch;

namespace MLNetTransfer.Training;

/// <summary>
/// Image batches in channels-last memory order (NHWC strides, NCHW shape). On CPU, libtorch then picks oneDNN's NHWC
/// convolutions for the whole network, forward and backward: training the bundled ResNet18 went from 10.1 to 11.7
/// images/s here (measured by <c>bench</c>), TorchVision's resnet18 from 12.0 to 15.1 in a probe. TorchSharp 0.107
/// has no memory-format argument, so the strides come from permuting, copying and permuting back; weights stay as they
/// are.
/// </summary>
internal static class ChannelsLast
{
    /// <summary>The same values with channels-last strides; anything that is not a 4-D batch is returned as it is.</summary>
    public static Tensor Of(Tensor batch) => batch.dim() == 4 ? batch.permute(0, 2, 3, 1).contiguous().permute(0, 3, 1, 2) : batch;
}
