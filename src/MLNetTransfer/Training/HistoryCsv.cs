using System.Globalization;
using System.Text;
using MLNetTransfer.Core;

namespace MLNetTransfer.Training;

/// <summary><c>history.csv</c>: one row per epoch, the numbers Keras' History holds.</summary>
internal static class HistoryCsv
{
    public static string Format(IEnumerable<EpochReport> epochs)
    {
        var text = new StringBuilder();
        text.AppendLine("phase,epoch,train_loss,train_accuracy,validation_loss,validation_accuracy,learning_rate,seconds,best");
        static string Number(double? value) => value?.ToString("R", CultureInfo.InvariantCulture) ?? "";
        foreach (var e in epochs)
            text.AppendLine(Csv.Line([e.Phase, e.Epoch.ToString(CultureInfo.InvariantCulture), Number(e.TrainLoss), Number(e.TrainAccuracy),
                Number(e.ValidationLoss), Number(e.ValidationAccuracy), Number(e.LearningRate), e.Seconds.ToString("0.00", CultureInfo.InvariantCulture), e.Best ? "1" : "0"]));
        return text.ToString();
    }

    /// <summary>Reads what <see cref="Format"/> wrote.</summary>
    public static IReadOnlyList<EpochReport> Parse(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(line =>
        {
            var f = Csv.Fields(line.TrimEnd('\r'));
            static double Number(string value) => double.Parse(value, CultureInfo.InvariantCulture);
            static double? Optional(string value) => value.Length == 0 ? null : Number(value);
            return new EpochReport(f[0], int.Parse(f[1], CultureInfo.InvariantCulture), Number(f[2]), Number(f[3]), Optional(f[4]), Optional(f[5]),
                Number(f[6]), Number(f[7]), f[8] == "1");
        }).ToList();
}
