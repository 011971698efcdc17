using MLNetTransfer.Interpretability.Attributions;
using MLNetTransfer.Interpretability.Cam;
using MLNetTransfer.Interpretability.Heatmaps;

namespace MLNetTransfer.Interpretability;

/// <summary>The one registry of heat-map method names (the CAM methods, then the pixel attributions), for configs and the command line alike.</summary>
public static class HeatmapMethods
{
    static readonly Dictionary<string, Func<HeatmapMethod>> Factories = new()
    {
        ["grad-cam"] = () => new GradCam(),
        ["grad-cam++"] = () => new GradCamPlusPlus(),
        ["score-cam"] = () => new ScoreCam(),
        ["faster-score-cam"] = () => new ScoreCam { TopChannels = ScoreCam.FasterDefaultChannels },
        ["hires-cam"] = () => new HiResCam(),
        ["xgrad-cam"] = () => new XGradCam(),
        ["layer-cam"] = () => new LayerCam(),
        ["eigen-cam"] = () => new EigenCam(),
        ["eigen-grad-cam"] = () => new EigenCam(withGradients: true),
        ["ablation-cam"] = () => new AblationCam(),
        ["gradient"] = () => new VanillaGradient(),
        ["smooth-grad"] = () => new SmoothGrad(),
        ["integrated-gradients"] = () => new IntegratedGradients(),
    };

    public static IReadOnlyCollection<string> Names => Factories.Keys;

    /// <summary>The method called <paramref name="name"/>, with the smoothing options of <see cref="HeatmapMethod"/> and <see cref="CamMethod"/>.</summary>
    /// <exception cref="ArgumentException">An unknown name (the message lists the known ones), or eigen smoothing for a pixel attribution.</exception>
    public static HeatmapMethod Create(string name, bool eigenSmooth = false, bool augmentationSmooth = false) =>
        Factories.TryGetValue(name, out var create) ? create().Smoothed(eigenSmooth, augmentationSmooth)
            : throw new ArgumentException($"unknown heat-map method '{name}'; known: {string.Join(", ", Names)}", nameof(name));

    /// <summary>The method a <see cref="HeatmapMethod.FullName"/> names, smoothing included: <c>grad-cam+eigen-smooth</c>.</summary>
    /// <exception cref="ArgumentException">An unknown name or smoothing.</exception>
    public static HeatmapMethod FromFullName(string fullName)
    {
        var parts = fullName.Split('+');
        // grad-cam++ ends in plus signs of its own.
        var name = fullName.StartsWith("grad-cam++", StringComparison.Ordinal) ? "grad-cam++" : parts[0];
        var smoothing = fullName[name.Length..].Split('+', StringSplitOptions.RemoveEmptyEntries);
        var unknown = smoothing.Except(["eigen-smooth", "aug-smooth"]).ToList();
        if (unknown.Count > 0) throw new ArgumentException($"'{fullName}': unknown smoothing {string.Join(", ", unknown)}; known: eigen-smooth, aug-smooth", nameof(fullName));
        return Create(name, smoothing.Contains("eigen-smooth"), smoothing.Contains("aug-smooth"));
    }
}
