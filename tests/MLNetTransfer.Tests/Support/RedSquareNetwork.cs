using MLNetTransfer.Backbones;
using MLNetTransfer.Backbones.Import;
using MLNetTransfer.Training;
using static TorchSharp.torch;

namespace MLNetTransfer.Tests.Support;

/// <summary>
/// A network small enough to know what it looks at: a 3x3 convolution whose filter 0 sums the red channel and filter 1
/// the green one, ReLU (the layer <c>activated</c>), global average pooling and a linear head; class 1's logit is
/// gain times (red - green), class 0's the opposite. A red square is what makes an image class 1.
/// </summary>
static class RedSquareNetwork
{
    public static TransferNetwork Create(TempFolder folder, int size, float gain = 1)
    {
        var w = new float[2 * 3 * 3 * 3];
        for (var i = 0; i < 9; i++) w[i] = 1f;            // filter 0 sums the red channel
        for (var i = 0; i < 9; i++) w[27 + 9 + i] = 1f;   // filter 1 sums the green channel
        new OnnxGraphBuilder("tiny").Input("x", 1, 3, size, size).Output("pooled", 1, 2, 1, 1)
            .Constant("w", [2, 3, 3, 3], w)
            .Node("Conv", "conv", ["x", "w"], ["features"], new Dictionary<string, object> { ["pads"] = new long[] { 1, 1, 1, 1 } })
            .Node("Relu", "relu", ["features"], ["activated"])
            .Node("GlobalAveragePool", "pool", ["activated"], ["pooled"])
            .Save(folder["red-square.onnx"]);
        var network = new TransferNetwork(OnnxGraphModule.Load(folder["red-square.onnx"]), new ClassifierHead(2, [], 2, 0));
        using (no_grad())
        {
            network.Head.DenseLayers[0].weight!.copy_(tensor(new[] { -gain, gain, gain, -gain }, [2, 2]));
            network.Head.DenseLayers[0].bias!.zero_();
        }
        return network;
    }
}
