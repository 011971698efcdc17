using MLNetTransfer.Core;
using MLNetTransfer.Training;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MLNetTransfer.Tests.Training;

public sealed class OptimizerTests
{
    [Fact]
    public void RmsProp_takes_the_step_Keras_takes_with_its_decay_and_epsilon()
    {
        TorchRuntime.EnsureStarted();
        using var weight = new Parameter(tensor(new[] { 1f }));
        using var optimizer = TransferTrainingLoop.CreateOptimizer(new TrainingPhase { Optimizer = OptimizerKind.RmsProp, LearningRate = 0.01 }, [weight]);

        using (var loss = (2 * weight).sum()) loss.backward(); // gradient 2
        optimizer.step();

        // Keras: mean square 0.1 * 2^2 = 0.4, step 0.01 * 2 / (sqrt(0.4) + 1e-7). PyTorch's own defaults (decay 0.99) would
        // take a step of 0.1.
        var expected = 1 - 0.01 * 2 / (Math.Sqrt(0.4) + 1e-7);
        Assert.Equal(expected, weight.data<float>()[0], precision: 6);
    }
}
