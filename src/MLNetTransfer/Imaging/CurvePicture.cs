using System.Globalization;
using MLNetTransfer.Core;
using SkiaSharp;

namespace MLNetTransfer.Imaging;

/// <summary>
/// A curve drawn as a PNG with labelled axes, the x axis logarithmic: a learning-rate sweep's loss, read where SVG is
/// not shown (an image viewer, a terminal that opens files). The report draws the same curves as SVG.
/// </summary>
public static class CurvePicture
{
    const int Width = 720;
    const int Height = 440;
    const int Left = 70, Right = 20, Top = 36, Bottom = 56;

    /// <param name="path">The PNG to write.</param>
    /// <param name="curves">Each curve's points (x above 0; others are left out) and colour.</param>
    /// <param name="mark">An x to mark with a vertical line and its label; none where null.</param>
    /// <param name="title">Above the plot.</param>
    /// <param name="xLabel">Under the x axis.</param>
    /// <param name="yLabel">Beside the y axis.</param>
    /// <param name="yRange">The y axis's extent; what lies beyond it is cut off. Default: all points'.</param>
    public static void Write(string path, IReadOnlyList<(IReadOnlyList<(double X, double Y)> Points, SKColor Color)> curves, (double X, string Label)? mark,
        string title, string xLabel, string yLabel, (double Min, double Max)? yRange = null)
    {
        var all = curves.SelectMany(c => c.Points).Where(p => p.X > 0 && double.IsFinite(p.Y)).ToList();
        if (all.Count == 0) throw new ArgumentException("no point to draw", nameof(curves));
        var (xMin, xMax) = (Math.Log10(all.Min(p => p.X)), Math.Log10(all.Max(p => p.X)));
        var (yMin, yMax) = yRange ?? (all.Min(p => p.Y), all.Max(p => p.Y));
        if (xMax - xMin < 1e-9) (xMin, xMax) = (xMin - 0.5, xMax + 0.5);
        var margin = Math.Max((yMax - yMin) * 0.05, 1e-6);
        (yMin, yMax) = (yMin - margin, yMax + margin);
        float X(double x) => (float)(Left + (Math.Log10(x) - xMin) / (xMax - xMin) * (Width - Left - Right));
        float Y(double y) => (float)(Top + (yMax - y) / (yMax - yMin) * (Height - Top - Bottom));

        using var bitmap = new SKBitmap(Width, Height);
        using var canvas = new SKCanvas(bitmap);
        canvas.Clear(SKColors.White);
        using var text = new SKPaint { Color = SKColors.Black, TextSize = 13, IsAntialias = true, Typeface = SKTypeface.Default };
        using var grid = new SKPaint { Color = new SKColor(225, 225, 225), StrokeWidth = 1 };
        using var axis = new SKPaint { Color = SKColors.Black, StrokeWidth = 1, Style = SKPaintStyle.Stroke };
        // A tick at each power of ten, and five along y.
        for (var decade = (int)Math.Ceiling(xMin); decade <= (int)Math.Floor(xMax); decade++)
        {
            var x = X(Math.Pow(10, decade));
            canvas.DrawLine(x, Top, x, Height - Bottom, grid);
            var label = $"1e{decade}";
            canvas.DrawText(label, x - text.MeasureText(label) / 2, Height - Bottom + 16, text);
        }
        for (var i = 0; i <= 4; i++)
        {
            var value = yMin + (yMax - yMin) * i / 4;
            var y = Y(value);
            canvas.DrawLine(Left, y, Width - Right, y, grid);
            var label = value.ToString("0.###", CultureInfo.InvariantCulture);
            canvas.DrawText(label, Left - 6 - text.MeasureText(label), y + 4, text);
        }
        canvas.DrawRect(Left, Top, Width - Left - Right, Height - Top - Bottom, axis);
        canvas.Save();
        canvas.ClipRect(new SKRect(Left, Top, Width - Right, Height - Bottom));
        foreach (var (points, color) in curves)
        {
            using var line = new SKPaint { Color = color, StrokeWidth = 2, Style = SKPaintStyle.Stroke, IsAntialias = true };
            using var curve = new SKPath();
            var started = false;
            foreach (var (x, y) in points.Where(p => p.X > 0 && double.IsFinite(p.Y)))
            {
                if (started) curve.LineTo(X(x), Y(y));
                else curve.MoveTo(X(x), Y(y));
                started = true;
            }
            canvas.DrawPath(curve, line);
        }
        canvas.Restore();
        if (mark is var (markX, markLabel))
        {
            using var red = new SKPaint { Color = new SKColor(200, 30, 30), StrokeWidth = 2, IsAntialias = true, PathEffect = SKPathEffect.CreateDash([6, 4], 0) };
            canvas.DrawLine(X(markX), Top, X(markX), Height - Bottom, red);
            using var redText = new SKPaint { Color = red.Color, TextSize = 13, IsAntialias = true, Typeface = SKTypeface.Default };
            var x = Math.Min(X(markX) + 4, Width - Right - redText.MeasureText(markLabel) - 2);
            canvas.DrawText(markLabel, x, Top + 16, redText);
        }
        using var bold = new SKPaint { Color = SKColors.Black, TextSize = 15, IsAntialias = true, Typeface = SKTypeface.Default, FakeBoldText = true };
        canvas.DrawText(title, Left, Top - 12, bold);
        canvas.DrawText(xLabel, Left + (Width - Left - Right - text.MeasureText(xLabel)) / 2, Height - 14, text);
        canvas.Save();
        canvas.RotateDegrees(-90);
        canvas.DrawText(yLabel, -(Top + (Height - Top - Bottom + text.MeasureText(yLabel)) / 2), 16, text);
        canvas.Restore();
        PngFile.Save(bitmap, path);
    }
}
