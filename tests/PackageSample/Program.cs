// Feature extraction in code with the MLNetTransfer package: ResNet18 features of each photo, an ML.NET head on them,
// a model.zip saved, loaded back and asked about one image. Needs no libtorch: nothing here trains through the network.
using Microsoft.ML;
using MLNetTransfer.Backbones;
using MLNetTransfer.Data;
using MLNetTransfer.Pipelines;

var root = args.Length > 0 ? args[0] : Path.Combine(Path.GetTempPath(), "mlnet-transfer-sample-pets");
if (!Directory.Exists(root)) SyntheticPets.Generate(root, imagesPerClass: 20, imageSize: 128, seed: 1);

var ml = new MLContext(seed: 1);
var split = DatasetSplit.Stratified(ImageFolder.Scan(root), train: 0.75, validation: 0, seed: 1);
IDataView Load(IEnumerable<LabeledImage> images) => ml.Data.LoadFromEnumerable(images.Select(i => new Photo { ImagePath = i.Path, Label = i.Label }));

var pipeline = ml.Transforms.Conversion.MapValueToKey("Label")
    .Append(ml.Transforms.ExtractBackboneFeatures(BundledBackbones.ResNet18()))
    .Append(ml.MulticlassClassification.Trainers.LbfgsMaximumEntropy("Label", "Features"))
    .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedLabel"));
var model = pipeline.Fit(Load(split.Train));
var metrics = ml.MulticlassClassification.Evaluate(model.Transform(Load(split.Test)));
Console.WriteLine($"test accuracy {metrics.MicroAccuracy:P1} on {split.Test.Count} images");

var saved = Path.Combine(Path.GetTempPath(), $"mlnet-transfer-sample-{Environment.ProcessId}.zip");
ml.Model.Save(model, Load([]).Schema, saved);
var engine = ml.Model.CreatePredictionEngine<Photo, Answer>(new MLContext().Model.Load(saved, out _));
var first = split.Test[0];
Console.WriteLine($"{Path.GetFileName(first.Path)}: {engine.Predict(new Photo { ImagePath = first.Path }).PredictedLabel} (labelled {first.Label})");
File.Delete(saved);
return metrics.MicroAccuracy >= 0.9 ? 0 : 1;

sealed class Photo
{
    public string ImagePath { get; set; } = "";
    public string Label { get; set; } = "";
}

sealed class Answer
{
    public string PredictedLabel { get; set; } = "";
}
