using MLNetTransfer.Backbones;
using MLNetTransfer.Backbones.Import;
using MLNetTransfer.Core;
using MLNetTransfer.Tests.Support;
using MLNetTransfer.Training;

namespace MLNetTransfer.Tests.Backbones;

public sealed class BackboneStagesTests : IDisposable
{
    readonly TempFolder folder = new();

    public BackboneStagesTests() => TorchRuntime.EnsureStarted();

    public void Dispose() => folder.Dispose();

    [Fact]
    public void Resnet18_has_a_stem_and_four_residual_stages_found_from_its_graph()
    {
        using var graph = OnnxGraphModule.Load(BundledBackbones.ResNet18().Model.Path);
        var stages = BackboneStages.Find(graph);
        var opsOf = graph.Layers.ToDictionary(l => l.Name, l => l.OpType);

        Assert.Equal(5, stages.Count);
        Assert.Equal([64L, 64, 128, 256, 512], stages.Select(s => s.Channels));
        Assert.Equal(["Conv", "BatchNormalization", "Relu", "MaxPool"], stages[0].Layers.Select(l => opsOf[l]));
        Assert.All(stages.Skip(1), s => Assert.Contains(s.Layers, l => opsOf[l] == "Add"));
        Assert.Equal("Input247", stages[0].Input);
        Assert.Equal(graph.Layers.Count, stages.Sum(s => s.Layers.Count));
        Assert.Equal("AveragePool", opsOf[stages[^1].Layers[^1]]);
        // Each stage starts from the tensor the previous one ends with.
        for (var i = 1; i < stages.Count; i++)
            Assert.Equal(graph.Layers.Single(l => l.Name == stages[i - 1].Layers[^1]).Outputs[0], stages[i].Input);
    }

    [Fact]
    public void A_plain_convnet_is_cut_into_stages_at_its_pools()
    {
        var path = folder["vgg.onnx"];
        var random = new Random(1);
        float[] Weights(int n) => Enumerable.Range(0, n).Select(_ => random.NextSingle() - 0.5f).ToArray();
        new OnnxGraphBuilder("vgg").Input("x", 1, 3, 16, 16).Output("p2", 1, 8, 4, 4)
            .Constant("w1", [8, 3, 3, 3], Weights(216)).Constant("w2", [8, 8, 3, 3], Weights(576)).Constant("w3", [8, 8, 3, 3], Weights(576))
            .Node("Conv", "conv1", ["x", "w1"], ["c1"], new Dictionary<string, object> { ["pads"] = new long[] { 1, 1, 1, 1 } }).Node("Relu", "relu1", ["c1"], ["r1"])
            .Node("Conv", "conv2", ["r1", "w2"], ["c2"], new Dictionary<string, object> { ["pads"] = new long[] { 1, 1, 1, 1 } }).Node("Relu", "relu2", ["c2"], ["r2"])
            .Node("MaxPool", "pool1", ["r2"], ["p1"], new Dictionary<string, object> { ["kernel_shape"] = new long[] { 2, 2 }, ["strides"] = new long[] { 2, 2 } })
            .Node("Conv", "conv3", ["p1", "w3"], ["c3"], new Dictionary<string, object> { ["pads"] = new long[] { 1, 1, 1, 1 } }).Node("Relu", "relu3", ["c3"], ["r3"])
            .Node("MaxPool", "pool2", ["r3"], ["p2"], new Dictionary<string, object> { ["kernel_shape"] = new long[] { 2, 2 }, ["strides"] = new long[] { 2, 2 } })
            .Save(path);
        using var graph = OnnxGraphModule.Load(path);
        var stages = BackboneStages.Find(graph);
        Assert.Equal(2, stages.Count);
        Assert.Equal(["conv1", "relu1", "conv2", "relu2", "pool1"], stages[0].Layers);
        Assert.Equal(["conv3", "relu3", "pool2"], stages[1].Layers);
        Assert.Equal("p1", stages[1].Input);

        Assert.Equal(["conv3", "relu3", "pool2"], new FreezingPlan(TopStages: 1).Resolve(graph));
        Assert.Empty(FreezingPlan.Frozen.Resolve(graph));
        Assert.Equal(8, FreezingPlan.Everything.Resolve(graph).Count);
        var e = Assert.Throws<ArgumentException>(() => new FreezingPlan(TopStages: 3).Resolve(graph));
        Assert.Contains("the backbone has 2 stages; cannot unfreeze the top 3", e.Message);
        Assert.Contains("conv9", Assert.Throws<ArgumentException>(() => new FreezingPlan(Nodes: ["conv1", "conv9"]).Resolve(graph)).Message);
    }
}
