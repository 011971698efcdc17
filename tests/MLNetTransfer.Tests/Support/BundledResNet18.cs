using Microsoft.ML;
using MLNetTransfer.Backbones;
using MLNetTransfer.Backbones.Export;
using MLNetTransfer.Backbones.Import;
using MLNetTransfer.Interpretability;
using MLNetTransfer.Training;

namespace MLNetTransfer.Tests.Support;

/// <summary>The bundled ImageNet ResNet18 made explainable with an untrained two-class head: for what depends on the backbone alone (filters, activations).</summary>
static class BundledResNet18
{
    public static ExplainableRun Explainable()
    {
        var backbone = BundledBackbones.ResNet18();
        return new ExplainableRun(new MLContext(1), backbone,
            new TransferNetwork(OnnxGraphModule.Load(backbone.Model.Path), new ClassifierHead(512, [], 2, 0)), ["cat", "dog"], TestTimeAugmentation.None);
    }
}
