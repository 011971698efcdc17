using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;
using MLNetTransfer.Training;
using static TorchSharp.torch;

namespace MLNetTransfer.Interpretability;

/// <summary>
/// Rebuilds the ML.NET linear head of a feature-extraction model (maximum entropy: softmax(W x + b)) as a TorchSharp
/// dense layer with the same weights, so the class logit is differentiable down to any backbone layer.
/// </summary>
internal static class LinearHeadReader
{
    /// <summary>The head of <paramref name="model"/> as a <see cref="ClassifierHead"/> without hidden layers.</summary>
    /// <exception cref="NotSupportedException">The model's trainer is not a linear multiclass one (LightGBM, say).</exception>
    public static ClassifierHead Read(ITransformer model)
    {
        var parameters = Transformers(model).OfType<MulticlassPredictionTransformer<MaximumEntropyModelParameters>>().FirstOrDefault()?.Model
            ?? throw new NotSupportedException("the model's head is not a linear maximum-entropy classifier (lbfgs-maximum-entropy or sdca-maximum-entropy); only those can be explained today");
        VBuffer<float>[] weights = [];
        parameters.GetWeights(ref weights, out var classes);
        var features = weights[0].Length;
        var head = new ClassifierHead(features, [], classes, 0);
        using (no_grad())
        {
            var output = head.DenseLayers[0];
            output.weight!.copy_(tensor(weights.SelectMany(w => w.DenseValues()).ToArray(), [classes, features]));
            output.bias!.copy_(tensor(parameters.GetBiases().ToArray()));
        }
        return head;
    }

    static IEnumerable<ITransformer> Transformers(ITransformer model) =>
        model is IEnumerable<ITransformer> chain ? chain.SelectMany(Transformers) : [model];
}
