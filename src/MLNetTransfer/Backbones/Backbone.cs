
namespace MLNetTransfer.Backbones;

/// <summary>
/// A pretrained image network as ONNX, with everything needed to feed it: its input size, how pixels are extracted,
/// and an optional ONNX preprocessing step that runs before it. The pipelines turn this into ML.NET transforms.
/// </summary>
/// <param name="Name">What the user called it: a bundled name or the ONNX file's name.</param>
/// <param name="Model">The backbone graph.</param>
/// <param name="Width">Input width in pixels.</param>
/// <param name="Height">Input height in pixels.</param>
/// <param name="ChannelOrder">Order the colour planes are extracted in.</param>
/// <param name="Scale">Multiplier applied to 0-255 pixel values while extracting them.</param>
/// <param name="Preprocessor">ONNX graph from extracted pixels to the backbone's input; null when pixels go in directly.</param>
public sealed record Backbone(
    string Name,
    OnnxStage Model,
    int Width,
    int Height,
    ChannelOrder ChannelOrder,
    float Scale,
    OnnxStage? Preprocessor = null)
{
    /// <summary>
    /// Whether images are turned upright by their EXIF orientation before resizing (a custom mapping saved in model.zip,
    /// see <see cref="Pipelines.Orientation.OrientationCatalog"/>). Default: false, ML.NET's loader as it is.
    /// </summary>
    public bool ApplyExifOrientation { get; init; }

    /// <summary>The ONNX files this backbone runs, preprocessing first.</summary>
    public IEnumerable<OnnxStage> Stages => Preprocessor is null ? [Model] : [Preprocessor, Model];

    /// <summary>The tensor name extracted pixels are written to: the first stage's input.</summary>
    public string PixelsName => Stages.First().InputName;

    /// <summary>The same backbone with each ONNX file's path mapped by <paramref name="path"/> (to a run folder and back).</summary>
    public Backbone Relocated(Func<string, string> path) =>
        this with { Model = Model with { Path = path(Model.Path) }, Preprocessor = Preprocessor is null ? null : Preprocessor with { Path = path(Preprocessor.Path) } };

    /// <summary>
    /// Pixels as this backbone's pixel extraction gives them (its channel order and scale, planar) as planar RGB 0-255,
    /// the form pictures are drawn from.
    /// </summary>
    public float[] Rgb(float[] pixels)
    {
        var rgb = new float[pixels.Length];
        Rgb(pixels, rgb);
        return rgb;
    }

    /// <summary>As above, into <paramref name="rgb"/>, so that a loop over photos reuses one buffer.</summary>
    public void Rgb(ReadOnlySpan<float> pixels, Span<float> rgb)
    {
        var plane = Width * Height;
        for (var c = 0; c < 3; c++)
        {
            var source = ChannelOrder == ChannelOrder.Bgr ? 2 - c : c;
            for (var i = 0; i < plane; i++) rgb[c * plane + i] = pixels[source * plane + i] / Scale;
        }
    }
}
