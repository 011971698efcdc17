namespace MLNetTransfer.Imaging;

/// <summary>Matplotlib's colour maps the book uses: jet for heat-maps, viridis for activations. Values in [0, 1], channels 0-255.</summary>
public static class ColorMaps
{
    /// <summary>Blue (0) through cyan, yellow to red (1).</summary>
    public static (double R, double G, double B) Jet(double v)
    {
        v = Math.Clamp(v, 0, 1);
        double Ramp(double centre) => Math.Clamp(1.5 - Math.Abs(4 * v - centre), 0, 1) * 255;
        return (Ramp(3), Ramp(2), Ramp(1));
    }

    // Viridis sampled at ninths of its range; linear between samples is within a few levels of the real map.
    static readonly (double R, double G, double B)[] ViridisSamples =
    [
        (68, 1, 84), (72, 40, 120), (62, 73, 137), (49, 104, 142), (38, 130, 142),
        (31, 158, 137), (53, 183, 121), (110, 206, 88), (181, 222, 43), (253, 231, 37),
    ];

    /// <summary>Dark purple (0) through blue and green to yellow (1).</summary>
    public static (double R, double G, double B) Viridis(double v)
    {
        var position = Math.Clamp(v, 0, 1) * (ViridisSamples.Length - 1);
        var low = Math.Min((int)position, ViridisSamples.Length - 2);
        var t = position - low;
        var (a, b) = (ViridisSamples[low], ViridisSamples[low + 1]);
        return (a.R + t * (b.R - a.R), a.G + t * (b.G - a.G), a.B + t * (b.B - a.B));
    }

    /// <summary>A map of values in [0, 1] as planar RGB 0-255 in <paramref name="map"/>'s colours.</summary>
    public static float[] Paint(float[] values, Func<double, (double R, double G, double B)> map)
    {
        var plane = values.Length;
        var rgb = new float[3 * plane];
        for (var i = 0; i < plane; i++)
        {
            var (r, g, b) = map(values[i]);
            (rgb[i], rgb[plane + i], rgb[2 * plane + i]) = ((float)r, (float)g, (float)b);
        }
        return rgb;
    }
}
