using MLNetTransfer.Backbones;
using MLNetTransfer.Backbones.Import;
using MLNetTransfer.Core;
using MLNetTransfer.Training;
using static TorchSharp.torch;

namespace MLNetTransfer.Tests.Support;

/// <summary>
/// A network small enough to write its gradient out by hand: conv 3x3 (4 channels) and ReLU make the layer A
/// (<c>activated</c>); a 1x1 conv (3 channels) and ReLU follow it, then global average pooling and a linear head with
/// bias 0.5. The gradient of logit c at A is g_k(x, y) = sum_j W[c, j] V[j, k] [z_j(x, y) > 0] / (h w), which varies
/// over the map; at the input it is that, masked where the first conv is inactive, through the first conv's adjoint.
/// Two random 8 x 8 images come with it.
/// </summary>
sealed class HandGradientNetwork : IDisposable
{
    public const int Size = 8;
    const float HeadBias = 0.5f;   // keeps the explained logit away from zero
    readonly TempFolder folder = new();
    readonly Tensor kernel, bias, head, mixing;
    readonly TorchSharp.DisposeScope scope;

    public TransferNetwork Network { get; }
    public Tensor Images { get; }

    public HandGradientNetwork()
    {
        TorchRuntime.EnsureStarted();
        scope = NewDisposeScope();
        var random = new Random(5);
        float[] Values(int n) => Enumerable.Range(0, n).Select(_ => random.NextSingle() - 0.3f).ToArray();
        // Mixing weights of both signs, so that each z_j is negative in places and the gradient varies.
        var v = Enumerable.Range(0, 12).Select(_ => random.NextSingle() - 0.5f).ToArray();
        var (w, b) = (Values(108), Values(4));
        new OnnxGraphBuilder("tiny").Input("x", 1, 3, Size, Size).Output("pooled", 1, 3, 1, 1)
            .Constant("w", [4, 3, 3, 3], w).Constant("b", [4], b).Constant("v", [3, 4, 1, 1], v)
            .Node("Conv", "conv", ["x", "w", "b"], ["features"], new Dictionary<string, object> { ["pads"] = new long[] { 1, 1, 1, 1 } })
            .Node("Relu", "relu", ["features"], ["activated"])
            .Node("Conv", "mix", ["activated", "v"], ["mixed"])
            .Node("Relu", "relu2", ["mixed"], ["mixed_relu"])
            .Node("GlobalAveragePool", "pool", ["mixed_relu"], ["pooled"])
            .Save(folder["tiny.onnx"]);
        Network = new TransferNetwork(OnnxGraphModule.Load(folder["tiny.onnx"]), new ClassifierHead(3, [], 2, 0));
        head = tensor(new float[] { 0.8f, -0.5f, 0.6f, -0.4f, 0.7f, 0.3f }, [2, 3]);
        using (no_grad())
        {
            Network.Head.DenseLayers[0].weight!.copy_(head);
            Network.Head.DenseLayers[0].bias!.fill_(HeadBias);
        }
        (kernel, bias, mixing) = (tensor(w, [4, 3, 3, 3]), tensor(b), tensor(v, [3, 4]));
        manual_seed(2);
        Images = rand(2, 3, Size, Size);
    }

    public void Dispose()
    {
        Network.Dispose();
        scope.Dispose();
        folder.Dispose();
    }

    /// <summary>The first conv's output before its ReLU.</summary>
    public Tensor Features(Tensor x) => nn.functional.conv2d(x, kernel, bias, padding: [1, 1]);

    /// <summary>The layer A for the given inputs (the test images where null).</summary>
    public Tensor A(Tensor? x = null) => nn.functional.relu(Features(x ?? Images));

    /// <summary>The head and the 1x1 conv from A on, by hand.</summary>
    public Tensor Logits(Tensor a) => (nn.functional.relu(einsum("jk,nkxy->njxy", mixing, a)).mean([2, 3])).matmul(head.t()) + HeadBias;

    /// <summary>The gradient of logit <paramref name="c"/> at A.</summary>
    public Tensor GradientAtA(Tensor a, int c)
    {
        var active = (einsum("jk,nkxy->njxy", mixing, a) > 0).to_type(float32);
        return einsum("j,jk,njxy->nkxy", head[c], mixing, active) / (Size * Size);
    }

    /// <summary>The gradient of logit <paramref name="c"/> at the input x: back through the first ReLU and conv.</summary>
    public Tensor GradientAtInput(Tensor x, int c)
    {
        var z = Features(x);
        var atFeatures = GradientAtA(nn.functional.relu(z), c) * (z > 0).to_type(float32);
        return nn.functional.conv_transpose2d(atFeatures, kernel, padding: [1, 1]);
    }
}
