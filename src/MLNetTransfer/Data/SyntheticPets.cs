using System.Globalization;
using SkiaSharp;

namespace MLNetTransfer.Data;

/// <summary>
/// The embedded default dataset: drawn "cats vs dogs style" animal heads on cluttered backgrounds. Cats have pointed
/// ears, whiskers and slit pupils; dogs have floppy ears, a muzzle and a large nose; up to four more classes can be
/// drawn (<see cref="AllClasses"/>) for tests of more than two classes. Colour, size, position and rotation
/// vary, so a classifier has to find the head's shape rather than a colour or a place. Every image is a pure function
/// of (seed, class, index): the same seed gives the same files on every run. <c>boxes.csv</c> holds each head's
/// bounding box (ears included), for checking where a heat-map points.
/// </summary>
public static class SyntheticPets
{
    /// <summary>The two classes of the default set.</summary>
    public static readonly IReadOnlyList<string> Classes = ["cat", "dog"];

    /// <summary>
    /// Every class the generator can draw, in the order <see cref="Generate"/> takes them: rabbits have tall upright
    /// ears and front teeth, bears small round ears and a pale snout, mice large round ears at the sides and a pointed
    /// nose, frogs eyes bulging above a wide head and a wide mouth, and no ears.
    /// </summary>
    public static readonly IReadOnlyList<string> AllClasses = ["cat", "dog", "rabbit", "bear", "mouse", "frog"];

    public const string BoxesFile = "boxes.csv";

    /// <summary>
    /// Writes <paramref name="imagesPerClass"/> PNGs per class into one folder per class under <paramref name="root"/>,
    /// for the first <paramref name="classes"/> of <see cref="AllClasses"/>. The cat and dog images do not depend on the
    /// number of classes.
    /// </summary>
    /// <remarks>The set is built in a sibling folder and renamed into place, so an interrupted run leaves no half set.</remarks>
    public static void Generate(string root, int imagesPerClass, int imageSize, int seed, IProgress<int>? progress = null, CancellationToken cancellation = default, int classes = 2)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(classes, 2);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(classes, AllClasses.Count);
        root = Path.GetFullPath(root);
        if (Directory.Exists(root)) throw new IOException($"{root} already exists; delete it to generate again");
        var partial = root + ".partial";
        if (Directory.Exists(partial)) Directory.Delete(partial, recursive: true);
        var labels = AllClasses.Take(classes).ToList();
        foreach (var label in labels) Directory.CreateDirectory(Path.Combine(partial, label));

        var total = labels.Count * imagesPerClass;
        var boxes = new string[total];
        var done = 0;
        Parallel.For(0, total, new ParallelOptions { CancellationToken = cancellation }, i =>
        {
            var label = labels[i / imagesPerClass];
            var name = $"{label}/{label}_{i % imagesPerClass + 1:D4}.png";
            var box = Draw(Path.Combine(partial, name), label, imageSize, new Random(unchecked(seed * 7919 + i)));
            boxes[i] = string.Join(',', name, label, imageSize, imageSize, box.Left, box.Top, box.Right, box.Bottom);
            progress?.Report(Interlocked.Increment(ref done));
        });
        File.WriteAllLines(Path.Combine(partial, BoxesFile), ["file,label,image_width,image_height,xmin,ymin,xmax,ymax", .. boxes]);
        Directory.Move(partial, root);
    }

    static SKRectI Draw(string path, string label, int size, Random random)
    {
        using var bitmap = new SKBitmap(size, size, SKColorType.Rgba8888, SKAlphaType.Premul);
        using var canvas = new SKCanvas(bitmap);
        DrawBackground(canvas, size, random);

        var radius = size * (0.15f + 0.09f * random.NextSingle());
        var margin = radius * 1.7f;
        var centre = new SKPoint(Between(random, margin, size - margin), Between(random, margin, size - margin));
        var angle = Between(random, -30, 30);
        var fur = SKColor.FromHsv(random.NextSingle() * 360, 20 + random.NextSingle() * 60, 35 + random.NextSingle() * 60);

        canvas.Save();
        canvas.Translate(centre);
        canvas.RotateDegrees(angle);
        var outline = label switch
        {
            "cat" => DrawCat(canvas, radius, fur, random),
            "dog" => DrawDog(canvas, radius, fur, random),
            "rabbit" => DrawRabbit(canvas, radius, fur, random),
            "bear" => DrawBear(canvas, radius, fur, random),
            "mouse" => DrawMouse(canvas, radius, fur, random),
            _ => DrawFrog(canvas, radius, fur, random),
        };
        canvas.Restore();

        using (var image = SKImage.FromBitmap(bitmap))
        using (var png = image.Encode(SKEncodedImageFormat.Png, 100))
        using (var file = File.Create(path))
            png.SaveTo(file);

        var matrix = SKMatrix.CreateRotationDegrees(angle).PostConcat(SKMatrix.CreateTranslation(centre.X, centre.Y));
        var points = matrix.MapPoints(outline);
        static int Clamp(float v, int size) => Math.Clamp((int)MathF.Round(v), 0, size);
        return new SKRectI(Clamp(points.Min(p => p.X), size), Clamp(points.Min(p => p.Y), size),
                           Clamp(points.Max(p => p.X), size), Clamp(points.Max(p => p.Y), size));
    }

    static void DrawBackground(SKCanvas canvas, int size, Random random)
    {
        using var paint = new SKPaint { IsAntialias = true };
        paint.Shader = SKShader.CreateLinearGradient(new SKPoint(0, 0), new SKPoint(size, size),
            [RandomColor(random), RandomColor(random)], SKShaderTileMode.Clamp);
        canvas.DrawRect(0, 0, size, size, paint);
        paint.Shader = null;
        var clutter = 10 + random.Next(15);
        for (var i = 0; i < clutter; i++)
        {
            paint.Color = RandomColor(random).WithAlpha((byte)(80 + random.Next(150)));
            paint.Style = random.Next(3) == 0 ? SKPaintStyle.Stroke : SKPaintStyle.Fill;
            paint.StrokeWidth = 1 + random.Next(5);
            float x = random.Next(size), y = random.Next(size), w = 5 + random.Next(size / 3), h = 5 + random.Next(size / 3);
            switch (random.Next(4))
            {
                case 0: canvas.DrawRect(x, y, w, h, paint); break;
                case 1: canvas.DrawCircle(x, y, w / 2, paint); break;
                case 2: canvas.DrawOval(x, y, w / 2, h / 4, paint); break;
                default: canvas.DrawLine(x, y, x + w - size / 6f, y + h - size / 6f, paint); break;
            }
        }
    }

    // Each returns points on the drawing's outline, in the head's own coordinates, for the bounding box.
    static SKPoint[] DrawCat(SKCanvas canvas, float r, SKColor fur, Random random)
    {
        using var paint = new SKPaint { IsAntialias = true, Color = fur };
        var earHeight = r * (1.45f + 0.25f * random.NextSingle());
        SKPoint[] Ear(float side) => [new(side * r * 0.85f, -r * 0.35f), new(side * r * 0.65f, -earHeight), new(side * r * 0.15f, -r * 0.85f)];
        var ears = new[] { Ear(-1), Ear(1) };
        foreach (var ear in ears) Fill(canvas, ear, paint);
        paint.Color = new SKColor(240, 170, 180);
        foreach (var ear in ears) Fill(canvas, Shrink(ear, 0.55f), paint);

        paint.Color = fur;
        canvas.DrawOval(0, 0, r * 1.05f, r * 0.95f, paint);

        var iris = random.Next(2) == 0 ? new SKColor(120, 200, 60) : new SKColor(230, 190, 40);
        foreach (var side in new[] { -1f, 1f })
        {
            paint.Color = iris;
            canvas.DrawOval(side * r * 0.4f, -r * 0.15f, r * 0.2f, r * 0.13f, paint);
            paint.Color = SKColors.Black;
            canvas.DrawOval(side * r * 0.4f, -r * 0.15f, r * 0.04f, r * 0.12f, paint);
        }
        paint.Color = new SKColor(230, 120, 140);
        Fill(canvas, [new(-r * 0.1f, r * 0.15f), new(r * 0.1f, r * 0.15f), new(0, r * 0.28f)], paint);

        paint.Color = SKColors.WhiteSmoke;
        paint.Style = SKPaintStyle.Stroke;
        paint.StrokeWidth = Math.Max(1, r * 0.02f);
        foreach (var side in new[] { -1f, 1f })
            for (var k = -1; k <= 1; k++)
                canvas.DrawLine(side * r * 0.2f, r * 0.3f, side * r * 1.2f, r * (0.25f + 0.12f * k), paint);

        return [.. Ellipse(r * 1.05f, r * 0.95f), .. ears.SelectMany(e => e), new(-r * 1.2f, r * 0.13f), new(r * 1.2f, r * 0.37f)];
    }

    static SKPoint[] DrawDog(SKCanvas canvas, float r, SKColor fur, Random random)
    {
        using var paint = new SKPaint { IsAntialias = true };
        var earLength = r * (0.75f + 0.25f * random.NextSingle());
        var earColour = fur.WithRed((byte)(fur.Red * 0.6f)).WithGreen((byte)(fur.Green * 0.6f)).WithBlue((byte)(fur.Blue * 0.6f));
        var earPoints = new List<SKPoint>();
        foreach (var side in new[] { -1f, 1f })
        {
            // A floppy ear hangs from the top of the head down the side, tilted outwards.
            canvas.Save();
            canvas.Translate(side * r * 0.8f, -r * 0.2f + earLength * 0.5f);
            canvas.RotateDegrees(side * 15);
            paint.Color = earColour;
            canvas.DrawOval(0, 0, r * 0.32f, earLength, paint);
            canvas.Restore();
            var ear = SKMatrix.CreateRotationDegrees(side * 15).PostConcat(SKMatrix.CreateTranslation(side * r * 0.8f, -r * 0.2f + earLength * 0.5f));
            earPoints.AddRange(ear.MapPoints(Ellipse(r * 0.32f, earLength)));
        }

        paint.Color = fur;
        canvas.DrawOval(0, 0, r * 0.9f, r * 1.0f, paint);
        paint.Color = fur.WithRed((byte)Math.Min(255, fur.Red + 60)).WithGreen((byte)Math.Min(255, fur.Green + 60)).WithBlue((byte)Math.Min(255, fur.Blue + 60));
        canvas.DrawOval(0, r * 0.4f, r * 0.5f, r * 0.38f, paint);

        foreach (var side in new[] { -1f, 1f })
        {
            paint.Color = SKColors.White;
            canvas.DrawCircle(side * r * 0.38f, -r * 0.2f, r * 0.14f, paint);
            paint.Color = new SKColor(60, 35, 20);
            canvas.DrawCircle(side * r * 0.38f, -r * 0.18f, r * 0.09f, paint);
        }
        paint.Color = SKColors.Black;
        canvas.DrawOval(0, r * 0.22f, r * 0.18f, r * 0.12f, paint);
        if (random.Next(2) == 0)
        {
            paint.Color = new SKColor(235, 90, 110);
            canvas.DrawOval(0, r * 0.72f, r * 0.12f, r * 0.16f, paint);
        }
        return [.. Ellipse(r * 0.9f, r * 1.0f), .. earPoints, new(0, r * 0.88f)];
    }

    static SKPoint[] DrawRabbit(SKCanvas canvas, float r, SKColor fur, Random random)
    {
        using var paint = new SKPaint { IsAntialias = true, Color = fur };
        var earLength = r * (0.9f + 0.3f * random.NextSingle());
        var ears = new List<SKPoint>();
        foreach (var side in new[] { -1f, 1f })
        {
            var centre = new SKPoint(side * r * 0.35f, -r * 0.7f - earLength * 0.8f);
            paint.Color = fur;
            canvas.DrawOval(centre.X, centre.Y, r * 0.2f, earLength, paint);
            paint.Color = new SKColor(240, 170, 180);
            canvas.DrawOval(centre.X, centre.Y, r * 0.09f, earLength * 0.75f, paint);
            ears.AddRange(Ellipse(r * 0.2f, earLength, centre));
        }
        paint.Color = fur;
        canvas.DrawOval(0, 0, r * 0.85f, r * 0.8f, paint);
        foreach (var side in new[] { -1f, 1f })
        {
            paint.Color = SKColors.Black;
            canvas.DrawCircle(side * r * 0.38f, -r * 0.15f, r * 0.1f, paint);
        }
        paint.Color = new SKColor(230, 120, 140);
        canvas.DrawOval(0, r * 0.2f, r * 0.1f, r * 0.07f, paint);
        paint.Color = SKColors.White;
        canvas.DrawRect(-r * 0.1f, r * 0.36f, r * 0.09f, r * 0.2f, paint);
        canvas.DrawRect(r * 0.01f, r * 0.36f, r * 0.09f, r * 0.2f, paint);
        return [.. Ellipse(r * 0.85f, r * 0.8f), .. ears];
    }

    static SKPoint[] DrawBear(SKCanvas canvas, float r, SKColor fur, Random random)
    {
        using var paint = new SKPaint { IsAntialias = true, Color = fur };
        var earRadius = r * (0.28f + 0.08f * random.NextSingle());
        var ears = new List<SKPoint>();
        foreach (var side in new[] { -1f, 1f })
        {
            var centre = new SKPoint(side * r * 0.72f, -r * 0.72f);
            paint.Color = fur;
            canvas.DrawCircle(centre, earRadius, paint);
            paint.Color = fur.WithRed((byte)(fur.Red * 0.6f)).WithGreen((byte)(fur.Green * 0.6f)).WithBlue((byte)(fur.Blue * 0.6f));
            canvas.DrawCircle(centre, earRadius * 0.55f, paint);
            ears.AddRange(Ellipse(earRadius, earRadius, centre));
        }
        paint.Color = fur;
        canvas.DrawCircle(0, 0, r, paint);
        paint.Color = new SKColor(225, 205, 170);
        canvas.DrawOval(0, r * 0.35f, r * 0.42f, r * 0.32f, paint);
        paint.Color = SKColors.Black;
        foreach (var side in new[] { -1f, 1f }) canvas.DrawCircle(side * r * 0.4f, -r * 0.2f, r * 0.07f, paint);
        canvas.DrawOval(0, r * 0.22f, r * 0.15f, r * 0.1f, paint);
        return [.. Ellipse(r, r), .. ears];
    }

    static SKPoint[] DrawMouse(SKCanvas canvas, float r, SKColor fur, Random random)
    {
        using var paint = new SKPaint { IsAntialias = true, Color = fur };
        var earRadius = r * (0.55f + 0.15f * random.NextSingle());
        var ears = new List<SKPoint>();
        foreach (var side in new[] { -1f, 1f })
        {
            var centre = new SKPoint(side * r * 0.95f, -r * 0.55f);
            paint.Color = fur;
            canvas.DrawCircle(centre, earRadius, paint);
            paint.Color = new SKColor(240, 170, 180);
            canvas.DrawCircle(centre, earRadius * 0.65f, paint);
            ears.AddRange(Ellipse(earRadius, earRadius, centre));
        }
        paint.Color = fur;
        // A head narrowing to a pointed snout.
        Fill(canvas, [new(-r * 0.75f, -r * 0.35f), new(r * 0.75f, -r * 0.35f), new(r * 0.55f, r * 0.35f), new(0, r * 1.1f), new(-r * 0.55f, r * 0.35f)], paint);
        canvas.DrawOval(0, -r * 0.3f, r * 0.75f, r * 0.55f, paint);
        paint.Color = SKColors.Black;
        foreach (var side in new[] { -1f, 1f }) canvas.DrawCircle(side * r * 0.3f, -r * 0.1f, r * 0.09f, paint);
        paint.Color = new SKColor(230, 120, 140);
        canvas.DrawCircle(0, r * 1.05f, r * 0.1f, paint);
        return [.. Ellipse(r * 0.75f, r * 0.55f, new SKPoint(0, -r * 0.3f)), .. ears, new(0, r * 1.15f)];
    }

    static SKPoint[] DrawFrog(SKCanvas canvas, float r, SKColor fur, Random random)
    {
        using var paint = new SKPaint { IsAntialias = true, Color = fur };
        var eyeRadius = r * (0.3f + 0.08f * random.NextSingle());
        var eyes = new List<SKPoint>();
        canvas.DrawOval(0, 0, r * 1.2f, r * 0.7f, paint);
        foreach (var side in new[] { -1f, 1f })
        {
            var centre = new SKPoint(side * r * 0.6f, -r * 0.65f);
            paint.Color = fur;
            canvas.DrawCircle(centre, eyeRadius, paint);
            paint.Color = SKColors.White;
            canvas.DrawCircle(centre, eyeRadius * 0.7f, paint);
            paint.Color = SKColors.Black;
            canvas.DrawOval(centre.X, centre.Y, eyeRadius * 0.45f, eyeRadius * 0.2f, paint);
            eyes.AddRange(Ellipse(eyeRadius, eyeRadius, centre));
        }
        paint.Color = SKColors.Black;
        paint.Style = SKPaintStyle.Stroke;
        paint.StrokeWidth = Math.Max(1, r * 0.05f);
        using (var mouth = new SKPath())
        {
            mouth.MoveTo(-r * 0.8f, r * 0.15f);
            mouth.QuadTo(0, r * 0.5f, r * 0.8f, r * 0.15f);
            canvas.DrawPath(mouth, paint);
        }
        return [.. Ellipse(r * 1.2f, r * 0.7f), .. eyes];
    }

    static void Fill(SKCanvas canvas, SKPoint[] polygon, SKPaint paint)
    {
        using var path = new SKPath();
        path.AddPoly(polygon);
        canvas.DrawPath(path, paint);
    }

    static SKPoint[] Shrink(SKPoint[] polygon, float factor)
    {
        var centre = new SKPoint(polygon.Average(p => p.X), polygon.Average(p => p.Y));
        return polygon.Select(p => new SKPoint(centre.X + (p.X - centre.X) * factor, centre.Y + (p.Y - centre.Y) * factor)).ToArray();
    }

    static SKPoint[] Ellipse(float rx, float ry) =>
        Enumerable.Range(0, 72).Select(k => new SKPoint(rx * MathF.Cos(k * MathF.PI / 36), ry * MathF.Sin(k * MathF.PI / 36))).ToArray();

    static SKPoint[] Ellipse(float rx, float ry, SKPoint centre) => Ellipse(rx, ry).Select(p => new SKPoint(p.X + centre.X, p.Y + centre.Y)).ToArray();

    static SKColor RandomColor(Random random) => new((byte)random.Next(256), (byte)random.Next(256), (byte)random.Next(256));

    static float Between(Random random, float low, float high) => low + (high - low) * random.NextSingle();

    /// <summary>Reads <c>boxes.csv</c>: file (relative, '/'-separated) to its head box in pixels.</summary>
    public static IReadOnlyDictionary<string, SKRectI> ReadBoxes(string root) =>
        File.ReadLines(Path.Combine(root, BoxesFile)).Skip(1)
            .Select(line => line.Split(','))
            .ToDictionary(f => f[0], f => new SKRectI(Int(f[4]), Int(f[5]), Int(f[6]), Int(f[7])));

    static int Int(string text) => int.Parse(text, CultureInfo.InvariantCulture);
}
