using MLNetTransfer.Data;
using MLNetTransfer.Evaluation;

namespace MLNetTransfer.Experiments;

/// <summary>What a run kind's training leaves: a model to save as model.zip, and to score image sets with.</summary>
interface ITrainedModel
{
    void Save(string path);

    IReadOnlyList<Prediction> Score(IReadOnlyList<LabeledImage> images, string step);
}
