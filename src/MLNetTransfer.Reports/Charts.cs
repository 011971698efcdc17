using OxyPlot;
using OxyPlot.Annotations;
using OxyPlot.Axes;
using OxyPlot.Legends;
using OxyPlot.Series;
using MLNetTransfer.Training;

namespace MLNetTransfer.Reports;

/// <summary>The report's charts as SVG, drawn by OxyPlot's core (no native code).</summary>
public static partial class Charts
{
    const int Width = 560;
    const int Height = 320;

    /// <summary>Loss or accuracy per epoch, training and validation, with a dashed line where each new phase starts.</summary>
    public static string TrainingCurve(IReadOnlyList<EpochReport> history, bool accuracy)
    {
        var model = Model(accuracy ? "Accuracy" : "Loss", "epoch", accuracy ? "accuracy" : "loss");
        var train = new LineSeries { Title = "training", MarkerType = MarkerType.Circle, MarkerSize = 3 };
        var validation = new LineSeries { Title = "validation", MarkerType = MarkerType.Square, MarkerSize = 3 };
        foreach (var e in history)
        {
            train.Points.Add(new DataPoint(e.Epoch, accuracy ? e.TrainAccuracy : e.TrainLoss));
            if ((accuracy ? e.ValidationAccuracy : e.ValidationLoss) is { } value) validation.Points.Add(new DataPoint(e.Epoch, value));
        }
        model.Series.Add(train);
        if (validation.Points.Count > 0) model.Series.Add(validation);
        for (var i = 1; i < history.Count; i++)
            if (history[i].Phase != history[i - 1].Phase)
                model.Annotations.Add(new LineAnnotation
                {
                    Type = LineAnnotationType.Vertical, X = history[i].Epoch - 0.5, LineStyle = LineStyle.Dash, Color = OxyColors.Gray,
                    Text = history[i].Phase, TextOrientation = AnnotationTextOrientation.Horizontal,
                });
        return Svg(model);
    }

    /// <summary>The ROC curve with the chance diagonal.</summary>
    public static string Roc(IReadOnlyList<RocPoint> points, double? auc)
    {
        var model = Model(auc is { } a ? $"ROC curve (AUC {a:0.000})" : "ROC curve", "false positive rate", "true positive rate");
        var curve = new LineSeries { Title = "model" };
        foreach (var p in points) curve.Points.Add(new DataPoint(p.FalsePositiveRate, p.TruePositiveRate));
        var chance = new LineSeries { Title = "chance", LineStyle = LineStyle.Dash, Color = OxyColors.Gray };
        chance.Points.Add(new DataPoint(0, 0));
        chance.Points.Add(new DataPoint(1, 1));
        model.Series.Add(curve);
        model.Series.Add(chance);
        return Svg(model);
    }

    /// <summary>
    /// The reliability diagram: each confidence bin's accuracy as a bar against the diagonal a calibrated model would
    /// follow, with the expected calibration error in the title.
    /// </summary>
    public static string Reliability(Evaluation.Calibration calibration, string set)
    {
        var model = Model($"Reliability, {set} (ECE {calibration.ExpectedCalibrationError:0.000})", "confidence (top probability)", "accuracy");
        model.Axes[0].Minimum = model.Axes[1].Minimum = 0;
        model.Axes[0].Maximum = model.Axes[1].Maximum = 1;
        model.Legends[0].LegendPosition = LegendPosition.LeftTop;
        var bars = new RectangleBarSeries { Title = "accuracy", FillColor = OxyColor.FromRgb(0x4c, 0x72, 0xb0), StrokeColor = OxyColors.White };
        foreach (var bin in calibration.Bins.Where(b => b.Count > 0)) bars.Items.Add(new RectangleBarItem(bin.Low, 0, bin.High, bin.Accuracy));
        var confidence = new ScatterSeries { Title = "confidence", MarkerType = MarkerType.Diamond, MarkerSize = 3, MarkerFill = OxyColors.OrangeRed };
        foreach (var bin in calibration.Bins.Where(b => b.Count > 0)) confidence.Points.Add(new ScatterPoint((bin.Low + bin.High) / 2, bin.MeanConfidence));
        var ideal = new LineSeries { Title = "calibrated", LineStyle = LineStyle.Dash, Color = OxyColors.Gray };
        ideal.Points.Add(new DataPoint(0, 0));
        ideal.Points.Add(new DataPoint(1, 1));
        model.Series.Add(bars);
        model.Series.Add(confidence);
        model.Series.Add(ideal);
        return Svg(model);
    }

    /// <summary>
    /// The confusion matrix as a heat-map that stays readable with dozens of classes: each row shaded by the share of
    /// that true class predicted as each column, the count written where the cells are large enough to hold it.
    /// </summary>
    public static string ConfusionHeatmap(IReadOnlyList<string> classes, IReadOnlyList<IReadOnlyList<long>> counts)
    {
        static string E(string text) => System.Net.WebUtility.HtmlEncode(text);
        static string I(FormattableString text) => FormattableString.Invariant(text);
        var n = classes.Count;
        var label = Math.Min(160, 12 + 7 * classes.Max(c => c.Length));
        var cell = Math.Clamp(560 / n, 8, 40);
        var size = label + cell * n + 4;
        var font = Math.Clamp(cell * 0.45, 7, 12);
        var svg = new System.Text.StringBuilder(I($$"""<svg class="confusion-heatmap" viewBox="0 0 {{size}} {{size}}" width="{{size}}" role="img" aria-label="Confusion matrix heat-map: rows are true classes, columns predicted ones" font-family="sans-serif" font-size="{{font:0.#}}">"""));
        for (var r = 0; r < n; r++)
        {
            var y = label + r * cell;
            var middle = y + cell / 2.0 + font / 3;
            svg.Append(I($$"""<text x="{{label - 4}}" y="{{middle:0.#}}" text-anchor="end">{{E(classes[r])}}</text>"""));
            svg.Append(I($$"""<text transform="translate({{middle:0.#}},{{label - 4}}) rotate(-90)">{{E(classes[r])}}</text>"""));
            var total = Math.Max(1, counts[r].Sum());
            for (var c = 0; c < n; c++)
            {
                var share = counts[r][c] / (double)total;
                // Right answers in blue, mistakes in red, so a bright cell off the diagonal stands out.
                var (red, green, blue) = r == c ? (255 - 180 * share, 255 - 120 * share, 255 - 40 * share) : (255 - 20 * share, 255 - 200 * share, 255 - 200 * share);
                var x = label + c * cell;
                svg.Append(I($$"""<rect x="{{x}}" y="{{y}}" width="{{cell}}" height="{{cell}}" fill="rgb({{red:0}},{{green:0}},{{blue:0}})" stroke="#ddd" stroke-width="0.5"><title>true {{E(classes[r])}}, predicted {{E(classes[c])}}: {{counts[r][c]}} ({{share:P0}} of the row)</title></rect>"""));
                if (cell >= 18 && counts[r][c] > 0)
                    svg.Append(I($$"""<text x="{{x + cell / 2.0:0.#}}" y="{{middle:0.#}}" text-anchor="middle" fill="{{(share > 0.6 ? "#fff" : "#222")}}">{{counts[r][c]}}</text>"""));
            }
        }
        return svg.Append("</svg>").ToString();
    }

    /// <summary>The loss of a learning-rate sweep against the rate (log scale), each batch's and smoothed, with the suggested rate marked.</summary>
    public static string LearningRateSweep(LearningRateSweep sweep)
    {
        var model = Model("Learning-rate finder", "learning rate", "training loss");
        model.Axes[0] = new LogarithmicAxis { Position = AxisPosition.Bottom, Title = "learning rate" };
        (model.Axes[1].Minimum, model.Axes[1].Maximum) = sweep.LossRange;
        model.Legends[0].LegendPosition = LegendPosition.LeftBottom;
        var batches = new LineSeries { Title = "each batch", Color = OxyColors.LightGray };
        var smoothed = new LineSeries { Title = "smoothed", Color = OxyColor.FromRgb(31, 119, 180), StrokeThickness = 2 };
        foreach (var p in sweep.Points)
        {
            batches.Points.Add(new DataPoint(p.Rate, p.Loss));
            smoothed.Points.Add(new DataPoint(p.Rate, p.Smoothed));
        }
        model.Series.Add(batches);
        model.Series.Add(smoothed);
        model.Annotations.Add(new LineAnnotation
        {
            Type = LineAnnotationType.Vertical, X = sweep.Suggested, LineStyle = LineStyle.Dash, Color = OxyColors.Firebrick, StrokeThickness = 2,
            Text = $"suggested {sweep.Suggested:0.0e0}", TextColor = OxyColors.Firebrick, TextOrientation = AnnotationTextOrientation.Horizontal,
            Layer = AnnotationLayer.AboveSeries,
        });
        return Svg(model);
    }

    static PlotModel Model(string title, string x, string y)
    {
        var model = new PlotModel { Title = title, TitleFontSize = 14, DefaultFontSize = 11 };
        model.Axes.Add(new LinearAxis { Position = AxisPosition.Bottom, Title = x });
        model.Axes.Add(new LinearAxis { Position = AxisPosition.Left, Title = y });
        model.Legends.Add(new Legend { LegendPosition = LegendPosition.RightBottom, LegendPlacement = LegendPlacement.Inside });
        return model;
    }

    // With a viewBox the chart scales down to a phone's width instead of being cut off. OxyPlot numbers each chart's clip
    // paths from 1, and ids are the page's: every chart drew through the first chart's clip rectangles (a learning-rate
    // mark fell outside them), so each chart's ids take a prefix from its own content.
    static string Svg(PlotModel model)
    {
        var svg = SvgExporter.ExportToString(model, Width, Height, isDocument: false).Replace("<svg ", $"<svg viewBox=\"0 0 {Width} {Height}\" ", StringComparison.Ordinal);
        var prefix = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(svg)))[..8];
        return ClipPathId().Replace(svg, $"clip{prefix}-$1");
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"clipPath(\d+)")]
    private static partial System.Text.RegularExpressions.Regex ClipPathId();
}
