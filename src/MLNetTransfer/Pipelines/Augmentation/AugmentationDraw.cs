namespace MLNetTransfer.Pipelines.Augmentation;

/// <summary>
/// The random choices for one image in one epoch: a pure function of (seed, epoch, image index), so an epoch can be
/// replayed exactly, and a resumed run sees the images an uninterrupted one would.
/// </summary>
/// <param name="Affine">Maps output pixel coordinates (centred, y down) to the input coordinates they sample: [a, b, c, d, e, f] for x' = a x + b y + c, y' = d x + e y + f.</param>
/// <param name="Brightness">Multiplier of every value.</param>
/// <param name="Contrast">Factor of each value's distance from the image's mean.</param>
internal sealed record AugmentationDraw(double[] Affine, double Brightness, double Contrast)
{
    public static AugmentationDraw Identity { get; } = new([1, 0, 0, 0, 1, 0], 1, 1);

    /// <summary>Draws the changes for image <paramref name="index"/> of epoch <paramref name="epoch"/> of an image of the given size.</summary>
    public static AugmentationDraw For(AugmentationOptions options, int seed, int epoch, int index, int width, int height)
    {
        var random = new Random(unchecked((seed * 1_000_003 + epoch) * 999_983 + index));
        double Uniform(double low, double high) => low + (high - low) * random.NextDouble();
        double Symmetric(double range) => range == 0 ? 0 : Uniform(-range, range);

        // Output -> input, composed right to left: the inverse of what happens to the content.
        var m = Matrix.Identity;
        if (options.CropScale is [var low, var high])
        {
            var area = Uniform(low, high);
            var ratio = Math.Exp(Uniform(Math.Log(3.0 / 4), Math.Log(4.0 / 3)));
            var w = Math.Min(1, Math.Sqrt(area * ratio));
            var h = Math.Min(1, Math.Sqrt(area / ratio));
            var cx = Uniform(-(1 - w) / 2, (1 - w) / 2) * width;
            var cy = Uniform(-(1 - h) / 2, (1 - h) / 2) * height;
            m = Matrix.Translate(cx, cy) * Matrix.Scale(w, h);
        }
        var dx = Symmetric(options.WidthShiftRange < 1 ? options.WidthShiftRange * width : options.WidthShiftRange);
        var dy = Symmetric(options.HeightShiftRange < 1 ? options.HeightShiftRange * height : options.HeightShiftRange);
        var angle = Symmetric(options.RotationRange) * Math.PI / 180;
        var shear = Symmetric(options.ShearRange) * Math.PI / 180;
        var zoomX = options.ZoomRange == 0 ? 1 : Uniform(1 - options.ZoomRange, 1 + options.ZoomRange);
        var zoomY = options.ZoomRange == 0 ? 1 : Uniform(1 - options.ZoomRange, 1 + options.ZoomRange);
        var flipX = options.HorizontalFlip && random.Next(2) == 1 ? -1 : 1;
        var flipY = options.VerticalFlip && random.Next(2) == 1 ? -1 : 1;
        // The content is flipped, zoomed, sheared, rotated (counter-clockwise on screen for a positive angle) and shifted;
        // sampling maps each output pixel back through the inverses, last change first.
        m = m * Matrix.Scale(flipX, flipY) * Matrix.Scale(1 / zoomX, 1 / zoomY) * Matrix.Shear(-shear) * Matrix.Rotate(angle) * Matrix.Translate(-dx, -dy);

        var brightness = options.BrightnessRange is [var b0, var b1] ? Uniform(b0, b1) : 1;
        var contrast = options.ContrastRange is [var c0, var c1] ? Uniform(c0, c1) : 1;
        return new AugmentationDraw(m.Values, brightness, contrast);
    }

    /// <summary>A 2-D affine map [a b c; d e f; 0 0 1] in pixel units.</summary>
    readonly record struct Matrix(double A, double B, double C, double D, double E, double F)
    {
        public static Matrix Identity => new(1, 0, 0, 0, 1, 0);
        public static Matrix Translate(double x, double y) => new(1, 0, x, 0, 1, y);
        public static Matrix Scale(double x, double y) => new(x, 0, 0, 0, y, 0);
        public static Matrix Shear(double angle) => new(1, -Math.Sin(angle), 0, 0, Math.Cos(angle), 0);
        // With y pointing down, this samples content turned counter-clockwise on screen by the angle.
        public static Matrix Rotate(double angle) => new(Math.Cos(angle), -Math.Sin(angle), 0, Math.Sin(angle), Math.Cos(angle), 0);

        public static Matrix operator *(Matrix l, Matrix r) => new(
            l.A * r.A + l.B * r.D, l.A * r.B + l.B * r.E, l.A * r.C + l.B * r.F + l.C,
            l.D * r.A + l.E * r.D, l.D * r.B + l.E * r.E, l.D * r.C + l.E * r.F + l.F);

        public double[] Values => [A, B, C, D, E, F];
    }
}
