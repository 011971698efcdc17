using MLNetTransfer.Data;
using MLNetTransfer.Evaluation;

namespace MLNetTransfer.Experiments;

/// <summary>What a run kind's training leaves: a model to save as model.zip, and to score image sets with.</summary>
interface ITrainedModel
{
    /// <summary>Writes model.zip, with <paramref name="after"/> appended to the chain (temperature scaling).</summary>
    void Save(string path, IReadOnlyList<Microsoft.ML.ITransformer> after);

    IReadOnlyList<Prediction> Score(IReadOnlyList<LabeledImage> images, string step);
}
