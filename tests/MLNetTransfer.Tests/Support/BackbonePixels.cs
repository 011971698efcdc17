using Microsoft.ML;
using Microsoft.ML.Data;
using MLNetTransfer.Backbones;
using MLNetTransfer.Core;
using MLNetTransfer.Pipelines;

namespace MLNetTransfer.Tests.Support;

/// <summary>One image file as the backbone's pixel chain (ExtractBackbonePixels) reads it.</summary>
public static class BackbonePixels
{
    /// <summary>Planar floats [3 * height * width] in the backbone's size and channel order, before any preprocessing graph.</summary>
    public static float[] Of(Backbone backbone, string imagePath)
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable([new ImageInput { ImagePath = imagePath }]);
        return ml.Transforms.ExtractBackbonePixels(backbone, "Pixels").Fit(data).Transform(data).GetColumn<float[]>("Pixels").Single();
    }
}
