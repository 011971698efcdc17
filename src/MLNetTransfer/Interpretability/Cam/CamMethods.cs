namespace MLNetTransfer.Interpretability.Cam;

/// <summary>The one registry of CAM method names, for configs and the command line alike.</summary>
public static class CamMethods
{
    static readonly Dictionary<string, Func<CamMethod>> Factories = new()
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
    };

    public static IReadOnlyCollection<string> Names => Factories.Keys;

    /// <summary>The method called <paramref name="name"/>, with the smoothing options of <see cref="CamMethod"/>.</summary>
    /// <exception cref="ArgumentException">An unknown name; the message lists the known ones.</exception>
    public static CamMethod Create(string name, bool eigenSmooth = false, bool augmentationSmooth = false) =>
        Factories.TryGetValue(name, out var create) ? create().Smoothed(eigenSmooth, augmentationSmooth)
            : throw new ArgumentException($"unknown CAM method '{name}'; known: {string.Join(", ", Names)}", nameof(name));
}
