using static TorchSharp.torch;

namespace MLNetTransfer.Interpretability.Metrics;

/// <summary>How well a heat-map lands on a known object (a mask or a box), per image.</summary>
public static class Localisation
{
    /// <summary>The pointing game (Zhang et al., 2016): whether the map's hottest pixel lies on the object.</summary>
    public static bool PeakInside(Tensor heatmap, Tensor mask)
    {
        var peak = heatmap.flatten().argmax().item<long>();
        return mask.flatten()[peak].item<float>() > 0.5f;
    }

    /// <summary>The share of the map's total heat that falls on the object, in [0, 1]; a flat map scores the object's share of the image.</summary>
    public static double HeatInside(Tensor heatmap, Tensor mask)
    {
        var total = heatmap.sum().item<float>();
        return total <= 0 ? 0 : (heatmap * (mask > 0.5f)).sum().item<float>() / total;
    }
}
