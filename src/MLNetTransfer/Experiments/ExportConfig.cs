using System.ComponentModel;

namespace MLNetTransfer.Experiments;

/// <summary>What the saved model.zip outputs besides each image's class and scores.</summary>
public sealed record ExportConfig
{
    [Description("Add a Heatmap column to model.zip: the Grad-CAM map of the predicted class at the explained layer's resolution (7 x 7 for resnet18), row by row, in [0, 1], computed by ONNX operators alone, so an app needs no gradient and no code from this project. Not for a light-gbm head. Default: false.")]
    public bool Heatmap { get; init; }
}
