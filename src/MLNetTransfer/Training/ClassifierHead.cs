using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MLNetTransfer.Training;

/// <summary>
/// The new classifier on top of a backbone: global average pooling where the backbone's output still has a spatial
/// extent, flattening, then for each hidden width dropout, a dense layer and ReLU, then dropout and the output layer
/// giving one logit per class. Parameter names are a stable contract: hidden0.weight, ..., output.weight, output.bias.
/// </summary>
public sealed class ClassifierHead : nn.Module<Tensor, Tensor>
{
    readonly ModuleList<Linear> hidden = new();
    readonly Linear output;
    readonly double dropout;

    public ClassifierHead(long inputFeatures, IReadOnlyList<int> hiddenUnits, int classes, double dropout) : base(nameof(ClassifierHead))
    {
        this.dropout = dropout;
        var width = inputFeatures;
        foreach (var units in hiddenUnits)
        {
            hidden.Add(nn.Linear(width, units));
            width = units;
        }
        output = nn.Linear(width, classes);
        for (var i = 0; i < hidden.Count; i++) register_module($"hidden{i}", hidden[i]);
        register_module("output", output);
    }

    /// <summary>The dense layers in order, the output layer last.</summary>
    public IReadOnlyList<Linear> DenseLayers => [.. hidden, output];

    /// <summary>Dropout rate before each dense layer.</summary>
    public double Dropout => dropout;

    public override Tensor forward(Tensor features)
    {
        var x = features.dim() > 2 ? features.mean(Enumerable.Range(2, (int)features.dim() - 2).Select(d => (long)d).ToArray()) : features;
        foreach (var layer in hidden)
            x = nn.functional.relu(layer.forward(nn.functional.dropout(x, dropout, training)));
        return output.forward(nn.functional.dropout(x, dropout, training));
    }
}
