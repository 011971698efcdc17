using System.Globalization;
using System.Text;
using MLNetTransfer.Core;

namespace MLNetTransfer.Training;

/// <summary><c>history.csv</c>: one row per epoch, the numbers Keras' History holds.</summary>
public static class HistoryCsv
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
}
