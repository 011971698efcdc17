using System.Globalization;
using System.Text;

namespace MLNetTransfer.Training;

/// <summary>
/// The loss at each learning rate of an exponential sweep (<c>lr-find</c>), and the rate it suggests. The rule is
/// fastai's default since 2.4, "valley": the longest stretch over which the smoothed loss keeps falling, and the rate
/// 45% of the way down it (past the flat start, before the steep end where the loss turns). Unlike the steepest point
/// it does not hang on one noisy step, and unlike the minimum / 10 it needs no rule of thumb.
/// </summary>
/// <param name="Points">Each step: its rate, the batch's loss, and the smoothed loss.</param>
/// <param name="Suggested">The valley rule's rate.</param>
/// <param name="MinimumRate">The rate where the smoothed loss was lowest; a tenth of it is the older rule of thumb.</param>
/// <param name="Diverged">Whether the sweep stopped early because the loss diverged.</param>
public sealed record LearningRateSweep(IReadOnlyList<LearningRateSweep.Point> Points, double Suggested, double MinimumRate, bool Diverged)
{
    /// <summary>One step of the sweep.</summary>
    public sealed record Point(double Rate, double Loss, double Smoothed);

    public const string CsvFile = "lr-find.csv";
    public const string PictureFile = "lr-find.png";

    /// <summary>The rate the valley rule picks from smoothed losses, by rate.</summary>
    public static double Valley(IReadOnlyList<Point> points)
    {
        // The longest run of decreasing values that need not be consecutive, ending at each step (O(n^2); n is a few hundred).
        var n = points.Count;
        var length = new int[n];
        var (start, end) = (0, 0);
        for (var i = 0; i < n; i++)
        {
            length[i] = 1;
            for (var j = 0; j < i; j++)
                if (points[i].Smoothed < points[j].Smoothed && length[j] + 1 > length[i]) length[i] = length[j] + 1;
            if (length[i] > length[end]) (end, start) = (i, i - length[i] + 1);
        }
        var third = (end - start) / 3.0;
        return points[Math.Clamp(start + (int)third + (int)(third / 2), 0, n - 1)].Rate;
    }

    /// <summary>
    /// The loss axis worth drawing: the smoothed loss's range short of its last steps, where it shoots up as it
    /// diverges (fastai leaves out the last 5 too); the batches' losses beyond it are cut off.
    /// </summary>
    public (double Min, double Max) LossRange
    {
        get
        {
            var shown = Points.Take(Math.Max(1, Points.Count - 5)).Select(p => p.Smoothed).ToList();
            var (low, high) = (Math.Min(shown.Min(), Points.Min(p => p.Smoothed)), shown.Max());
            var margin = Math.Max((high - low) * 0.1, 1e-3);
            return (low - margin, high + margin);
        }
    }

    /// <summary>rate, loss, smoothed_loss, one line a step.</summary>
    public string Csv()
    {
        var text = new StringBuilder("rate,loss,smoothed_loss\n");
        foreach (var p in Points) text.Append(string.Create(CultureInfo.InvariantCulture, $"{p.Rate:R},{p.Loss:R},{p.Smoothed:R}\n"));
        return text.ToString();
    }

    /// <summary>Reads what <see cref="Csv"/> wrote, suggesting again; whether it diverged is not recorded there.</summary>
    public static LearningRateSweep Parse(string csv)
    {
        var points = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(line =>
        {
            var f = line.TrimEnd('\r').Split(',').Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray();
            return new Point(f[0], f[1], f[2]);
        }).ToList();
        return Of(points, diverged: false);
    }

    static LearningRateSweep Of(IReadOnlyList<Point> points, bool diverged) =>
        new(points, Valley(points), points.MinBy(p => p.Smoothed)!.Rate, diverged);

    /// <summary>Hands out the rates of a sweep and records its losses until it is done.</summary>
    internal sealed class Recorder(LearningRateSweepOptions options)
    {
        readonly List<Point> points = [];
        double average, lowest = double.PositiveInfinity;
        bool diverged;

        public int Count => points.Count;

        public bool Done => diverged || points.Count >= options.Steps;

        /// <summary>The rate of the next step: start * (end / start)^(step / (steps - 1)).</summary>
        public double NextRate => options.StartRate * Math.Pow(options.EndRate / options.StartRate, (double)points.Count / (options.Steps - 1));

        public void Add(double loss)
        {
            var rate = NextRate;
            average = options.Smoothing * average + (1 - options.Smoothing) * loss;
            var smoothed = average / (1 - Math.Pow(options.Smoothing, points.Count + 1));
            // A loss that is no number has diverged too; it is kept out of the curve.
            if (!double.IsFinite(smoothed))
            {
                diverged = true;
                return;
            }
            points.Add(new Point(rate, loss, smoothed));
            lowest = Math.Min(lowest, smoothed);
            diverged = smoothed > options.DivergenceFactor * lowest;
        }

        /// <exception cref="InvalidOperationException">No step gave a finite loss.</exception>
        public LearningRateSweep Result() => points.Count > 0 ? Of(points, diverged)
            : throw new InvalidOperationException("the learning-rate sweep's first loss was not a number; no rate can be suggested");
    }
}
