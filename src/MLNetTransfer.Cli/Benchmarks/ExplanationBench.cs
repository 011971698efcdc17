using MLNetTransfer.Backbones.Import;
using MLNetTransfer.Interpretability.Activations;
using MLNetTransfer.Interpretability.Cam;
using MLNetTransfer.Interpretability.Filters;
using MLNetTransfer.Training;
using static TorchSharp.torch;

namespace MLNetTransfer.Cli.Benchmarks;

/// <summary>Grad-CAM against one forward pass on the same images, and filter ascent's cost per step.</summary>
public static class ExplanationBench
{
    public static IReadOnlyList<Measurement> Run(string backbonePath, Tensor inputs, double seconds)
    {
        using var graph = OnnxGraphModule.Load(backbonePath);
        using var network = new TransferNetwork(graph, new ClassifierHead(512, [], 2, 0));
        network.eval();
        foreach (var parameter in network.parameters()) parameter.requires_grad = false;
        var count = inputs.shape[0];
        var layer = CamMethod.DefaultLayer(graph);

        var gradCam = new GradCam();
        // In turn, pass after pass, so a drift in this shared machine's speed hits both alike.
        var (times, memory) = Timing.Interleaved(
        [
            () =>
            {
                using var _ = no_grad();
                using var scope = NewDisposeScope();
                network.forward(inputs);
            },
            () =>
            {
                using var scope = NewDisposeScope();
                gradCam.Compute(network, inputs, layer);
            },
        ], seconds);
        var (forwardTime, camTime) = (times[0], times[1]);
        var (forwardMemory, camMemory) = (memory[0], memory[1]);

        const int steps = 3;
        var ascent = new FilterAscent(graph, x => x, (int)inputs.shape[3], (int)inputs.shape[2]);
        var filters = Enumerable.Range(0, (int)count).ToList();
        var top = LayerActivations.StageOutputs(graph)[^1];
        var (ascentTime, ascentMemory) = Timing.Median(() => ascent.Run(top, filters, new FilterAscentOptions { Steps = steps }).Dispose(), seconds);

        var forward = count / forwardTime;
        return
        [
            new("forward pass (TorchSharp, inference)", forward, "images/s", forwardMemory),
            new("Grad-CAM", count / camTime, "images/s", camMemory, new Dictionary<string, double> { ["forward pass"] = forward }),
            new($"filter ascent at {top}, {count} filters at once", count * steps / ascentTime, "filter-steps/s", ascentMemory),
        ];
    }
}
