using MLNetTransfer.Core;
using MLNetTransfer.Tests.Support;
using TorchSharp;
using static TorchSharp.torch;

namespace MLNetTransfer.Tests.Core;

public class TorchRuntimeTests
{
    [Fact]
    public void Backward_pass_gives_the_analytic_gradient_of_a_small_convnet()
    {
        TorchRuntime.EnsureStarted();
        using var scope = NewDisposeScope();
        torch.manual_seed(1);
        using var conv = nn.Conv2d(3, 4, 3, padding: 1);
        var x = randn(2, 3, 8, 8, requires_grad: true);
        var loss = conv.forward(x).sum();
        loss.backward();

        // d(sum of conv(x))/dx at an interior pixel is the sum of every output channel's kernel weights.
        var expected = conv.weight!.sum(new long[] { 0, 2, 3 });
        var interior = x.grad!.index(TensorIndex.Colon, TensorIndex.Colon, 4, 4);
        Assert.True(allclose(interior, expected.expand(2, 3), rtol: 1e-5, atol: 1e-5));
        Assert.NotNull(conv.weight.grad);
    }

    [LinuxFact]
    public void On_linux_the_loaded_native_library_is_the_build_outputs_copy()
    {
        var loaded = TorchRuntime.EnsureStarted();
        Assert.NotNull(loaded);
        // The build output's own copy, which the build changed where the host needs it; not one TorchSharp copied from
        // the NuGet cache into cpu/ after a failed load.
        Assert.Equal(Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "libLibTorchSharp.so"), Path.GetFullPath(loaded!));
    }
}
