using MLNetTransfer.Backbones;
using MLNetTransfer.Backbones.Import;
using MLNetTransfer.Interpretability;
using MLNetTransfer.Interpretability.Activations;
using MLNetTransfer.Interpretability.Cam;
using MLNetTransfer.Interpretability.Heatmaps;
using MLNetTransfer.Interpretability.Filters;
using MLNetTransfer.Interpretability.Metrics;
using MLNetTransfer.Training;
using static TorchSharp.torch;

namespace MLNetTransfer.Cli.Benchmarks;

/// <summary>Grad-CAM against one forward pass on the same images, filter ascent's cost per step, and each CAM method's cost per photo.</summary>
public static class ExplanationBench
{
    public static IReadOnlyList<Measurement> Run(string backbonePath, Tensor inputs, double seconds)
    {
        using var graph = OnnxGraphModule.Load(backbonePath);
        using var network = new TransferNetwork(graph, new ClassifierHead(512, [], 2, 0));
        network.eval();
        foreach (var parameter in network.parameters()) parameter.requires_grad = false;
        var count = inputs.shape[0];
        var layer = ExplainedLayer.Default(graph);

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
            .. EachMethod(network, inputs.narrow(0, 0, 1), layer, seconds),
        ];
    }

    // Every heat-map method and smoothing on one photo, as explain computes a map, each in turn with Grad-CAM on the same
    // photo so that their ratio is read in one stretch of this shared machine's time.
    static IEnumerable<Measurement> EachMethod(TransferNetwork network, Tensor photo, string layer, double seconds)
    {
        var gradCam = HeatmapMethods.Create("grad-cam");
        HeatmapMethod[] methods = [.. HeatmapMethods.Names.Where(name => name != gradCam.Name).Select(name => HeatmapMethods.Create(name)),
            HeatmapMethods.Create("grad-cam", eigenSmooth: true), HeatmapMethods.Create("grad-cam", augmentationSmooth: true)];
        Action Map(HeatmapMethod method) => () =>
        {
            using var scope = NewDisposeScope();
            method.Compute(network, photo, layer);
        };
        foreach (var method in methods)
        {
            var (times, memory) = Timing.Interleaved([Map(gradCam), Map(method)], seconds);
            yield return new($"{method.FullName}, one photo at {(method.UsesLayer ? layer : "the input")}", 1 / times[1], "photos/s", memory[1],
                new Dictionary<string, double> { [gradCam.Name] = 1 / times[0] });
        }

        // ROAD on the same photo's Grad-CAM map: 18 imputations and forward passes.
        using var map = gradCam.Compute(network, photo, layer, [0L]).Heatmaps;
        Tensor Probabilities(Tensor x)
        {
            using var _ = no_grad();
            return nn.functional.softmax(network.forward(x), 1);
        }
        var (roadTimes, roadMemory) = Timing.Interleaved([Map(gradCam), () =>
        {
            using var scope = NewDisposeScope();
            RoadTest.Run(Probabilities, photo, map, [0]);
        }], seconds);
        yield return new("ROAD of a map, one photo", 1 / roadTimes[1], "photos/s", roadMemory[1],
            new Dictionary<string, double> { [gradCam.Name] = 1 / roadTimes[0] });
    }
}
