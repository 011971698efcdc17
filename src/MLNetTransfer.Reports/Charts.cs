using OxyPlot;
using OxyPlot.Annotations;
using OxyPlot.Axes;
using OxyPlot.Legends;
using OxyPlot.Series;
using MLNetTransfer.Training;

namespace MLNetTransfer.Reports;

/// <summary>The report's charts as SVG, drawn by OxyPlot's core (no native code).</summary>
public static class Charts
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

    static PlotModel Model(string title, string x, string y)
    {
        var model = new PlotModel { Title = title, TitleFontSize = 14, DefaultFontSize = 11 };
        model.Axes.Add(new LinearAxis { Position = AxisPosition.Bottom, Title = x });
        model.Axes.Add(new LinearAxis { Position = AxisPosition.Left, Title = y });
        model.Legends.Add(new Legend { LegendPosition = LegendPosition.RightBottom, LegendPlacement = LegendPlacement.Inside });
        return model;
    }

    // With a viewBox the chart scales down to a phone's width instead of being cut off.
    static string Svg(PlotModel model) =>
        SvgExporter.ExportToString(model, Width, Height, isDocument: false).Replace("<svg ", $"<svg viewBox=\"0 0 {Width} {Height}\" ", StringComparison.Ordinal);
}
