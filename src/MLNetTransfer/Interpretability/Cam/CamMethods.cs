namespace MLNetTransfer.Interpretability.Cam;

/// <summary>The one registry of CAM method names, for configs and the command line alike.</summary>
public static class CamMethods
{
    static readonly Dictionary<string, Func<CamMethod>> Factories = new()
    {
        ["grad-cam"] = () => new GradCam(),
        ["grad-cam++"] = () => new GradCamPlusPlus(),
        ["score-cam"] = () => new ScoreCam(),
    };

    public static IReadOnlyCollection<string> Names => Factories.Keys;

    /// <exception cref="ArgumentException">An unknown name; the message lists the known ones.</exception>
    public static CamMethod Create(string name) =>
        Factories.TryGetValue(name, out var create) ? create()
            : throw new ArgumentException($"unknown CAM method '{name}'; known: {string.Join(", ", Names)}", nameof(name));
}
