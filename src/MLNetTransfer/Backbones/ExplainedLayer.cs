using MLNetTransfer.Backbones.Import;
using MLNetTransfer.Core;

namespace MLNetTransfer.Backbones;

/// <summary>The layer of a backbone that heat-maps show unless told otherwise; in one place, as explain and the saved model's Heatmap column must agree.</summary>
public static class ExplainedLayer
{
    /// <summary>
    /// The layer Grad-CAM looks at by default: the input of the backbone's final global pooling, i.e. the output of the
    /// last convolutional block (for ResNet18, the last residual stage's ReLU); in a network without one, the last
    /// convolution's output, after its BatchNormalization and activation where they follow.
    /// </summary>
    public static string Default(OnnxGraphModule backbone)
    {
        var layers = backbone.Layers;
        var pool = layers.LastOrDefault(l => l.OpType is "GlobalAveragePool" or "AveragePool" or "GlobalMaxPool");
        // A pool reading the graph's input directly has no layer before it to show.
        if (pool is not null && pool.Inputs[0] != backbone.InputName) return pool.Inputs[0];
        var conv = layers.LastOrDefault(l => l.OpType == "Conv")?.Outputs[0]
                   ?? throw new DataException("the network has no convolution whose output a heat-map could show; name the layer to explain");
        // Keras-style blocks put a BatchNormalization between the convolution and its activation.
        var normalized = layers.FirstOrDefault(l => l.OpType == "BatchNormalization" && l.Inputs[0] == conv)?.Outputs[0] ?? conv;
        return layers.FirstOrDefault(l => OnnxOperators.Activations.Contains(l.OpType) && l.Inputs[0] == normalized)?.Outputs[0] ?? normalized;
    }
}
