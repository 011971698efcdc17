using static TorchSharp.torch;

namespace MLNetTransfer.Interpretability.Filters;

/// <summary>
/// Images parametrised as Olah et al.'s "Feature Visualization" (Distill, 2017) does: each colour channel's Fourier
/// spectrum, scaled by 1/f so that a step moves every frequency as much as natural images' spectra vary (white noise
/// in the parameters is pink noise in the picture), in a decorrelated colour space, and squashed into 0-255 by a
/// sigmoid. Gradient steps then build broad shapes first instead of amplifying pixel noise. Frequencies above half
/// the Nyquist frequency (detail finer than 4 pixels) are not searched at all: on ResNet18 they held 5% to 80% of the
/// pictures' power otherwise, where photos hold 2%, and the pictures read as fine stripes.
/// </summary>
sealed class FourierImage
{
    // The square root of ImageNet's colour correlation (Lucid's), each column scaled so that the largest has norm 1.
    static readonly float[,] ColourCorrelation = { { 0.26f, 0.09f, 0.02f }, { 0.27f, 0.00f, -0.05f }, { 0.27f, -0.09f, 0.03f } };

    readonly int height, width;
    readonly Tensor scale, colours;

    public FourierImage(int height, int width)
    {
        (this.height, this.width) = (height, width);
        var columns = width / 2 + 1;
        var frequencies = new float[height * columns];
        for (var y = 0; y < height; y++)
        for (var x = 0; x < columns; x++)
        {
            // numpy's fftfreq for the rows (negative past the middle), rfftfreq for the columns.
            var fy = (y <= (height - 1) / 2 ? y : y - height) / (double)height;
            var fx = x / (double)width;
            frequencies[y * columns + x] = (float)Math.Sqrt(fx * fx + fy * fy);
        }
        var floor = 1f / Math.Max(width, height);
        // Half the Nyquist frequency is a quarter of a cycle a pixel.
        var f = tensor(frequencies, [1, 1, height, columns, 1]);
        scale = (1 / f.clamp_min(floor)) * (float)Math.Sqrt(width * height) * (f <= 0.25f).to_type(float32);
        var matrix = new float[9];
        var largest = Enumerable.Range(0, 3).Max(c => Math.Sqrt(Enumerable.Range(0, 3).Sum(r => ColourCorrelation[r, c] * ColourCorrelation[r, c])));
        for (var r = 0; r < 3; r++)
        for (var c = 0; c < 3; c++) matrix[r * 3 + c] = (float)(ColourCorrelation[r, c] / largest);
        colours = tensor(matrix, [3, 3]);
    }

    /// <summary>A starting spectrum for <paramref name="count"/> images [N, 3, H, W/2 + 1, 2] (real and imaginary parts): small noise, so the picture starts grey.</summary>
    public Tensor Start(int count, Generator generator) => randn([count, 3, height, width / 2 + 1, 2], generator: generator) * 0.01;

    /// <summary>The RGB pixel levels [N, 3, H, W] in 0-255 of <paramref name="spectrum"/>; differentiable.</summary>
    public Tensor Pixels(Tensor spectrum)
    {
        var decorrelated = fft.irfft2(view_as_complex((spectrum * scale).contiguous()), s: [height, width]) / 4;
        var rgb = einsum("nchw,dc->ndhw", decorrelated, colours);
        return sigmoid(rgb) * 255;
    }
}
