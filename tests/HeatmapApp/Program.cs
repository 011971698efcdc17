// Where a model trained with "export": { "heatmap": true } looked, from its model.zip alone:
//   dotnet run --project tests/HeatmapApp -- runs/<name>/<timestamp>/model.zip photo.jpg overlay.png
using HeatmapApp;

if (args.Length != 3)
{
    Console.Error.WriteLine("usage: HeatmapApp <model.zip> <photo> <overlay.png>");
    return 2;
}
var (prediction, rows, columns) = Overlay.Draw(args[0], args[1], args[2]);
Console.WriteLine($"{prediction.PredictedLabel} ({prediction.Score.Max():P1}); {rows} x {columns} heat-map drawn to {args[2]}");
return 0;
