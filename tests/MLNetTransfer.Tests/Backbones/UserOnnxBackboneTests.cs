using Microsoft.ML;
using Microsoft.ML.Data;
using MLNetTransfer.Backbones;
using MLNetTransfer.Core;
using MLNetTransfer.Experiments;
using MLNetTransfer.Pipelines;
using MLNetTransfer.Tests.Support;
using SkiaSharp;

namespace MLNetTransfer.Tests.Backbones;

/// <summary>A user's own ONNX model as the backbone, with its preprocessing: channel order, scale, mean and std.</summary>
public sealed class UserOnnxBackboneTests : IDisposable
{
    readonly TempFolder folder = new();

    public UserOnnxBackboneTests()
    {
        // The smallest image CNN: global average pooling, so each feature is the mean of one preprocessed channel.
        new OnnxGraphBuilder("pool")
            .Input("image", 1, 3, 32, 32)
            .Output("pooled", 1, 3, 1, 1)
            .Node("GlobalAveragePool", "gap", ["image"], ["pooled"])
            .Save(folder["model.onnx"]);
        for (var i = 0; i < 4; i++)
        {
            SolidPng(folder[$"photos/warm/{i}.png"], new SKColor(200, 100, (byte)(50 + i)));
            SolidPng(folder[$"photos/cold/{i}.png"], new SKColor(20, (byte)(90 + i), 220));
        }
    }

    public void Dispose() => folder.Dispose();

    static void SolidPng(string path, SKColor colour)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var bitmap = new SKBitmap(40, 48);
        bitmap.Erase(colour);
        File.WriteAllBytes(path, EncodedImage.Png(bitmap));
    }

    string Config(string backbone) => folder.Write("experiment.json", $$"""
        {
          "name": "user-model",
          "dataset": { "root": "photos", "split": { "train": 0.5, "validation": 0, "test": 0.5 } },
          "backbone": {{backbone}},
          "output": "runs"
        }
        """);

    const string Preprocessed = """
        { "onnx": "model.onnx", "preprocessing": { "channelOrder": "bgr", "scale": 0.00392156862745098,
          "mean": [0.1, 0.2, 0.3], "std": [0.5, 0.25, 0.2] } }
        """;

    [Fact]
    public void Pixels_reach_the_model_in_its_channel_order_scaled_and_normalised_per_channel()
    {
        var definition = ExperimentConfigReader.Read(Config(Preprocessed));
        var backbone = BackboneSetup.Place(definition, folder["placed"]);
        Assert.Equal((32, 32), (backbone.Width, backbone.Height));
        Assert.Equal("normalize.onnx", Path.GetFileName(backbone.Preprocessor!.Path));

        var ml = new MLContext();
        var input = ml.Data.LoadFromEnumerable([new ImageInput { ImagePath = folder["photos/warm/0.png"] }]);
        var output = ml.Transforms.ExtractBackboneFeatures(backbone).Fit(input).Transform(input);
        var features = output.GetColumn<VBuffer<float>>("Features").Single().DenseValues().ToArray();

        // B=50, G=100, R=200 in the model's BGR order, each (v/255 - mean) / std.
        float[] expected = [(50 / 255f - 0.1f) / 0.5f, (100 / 255f - 0.2f) / 0.25f, (200 / 255f - 0.3f) / 0.2f];
        Assert.Equal(expected.Length, features.Length);
        for (var c = 0; c < 3; c++) Assert.Equal(expected[c], features[c], 4);
    }

    [Fact]
    public void A_user_model_trains_end_to_end_and_its_files_are_kept_in_the_run()
    {
        var result = new ExperimentRunner().Run(ExperimentConfigReader.Read(Config(Preprocessed)));
        Assert.Equal(1.0, result.Metrics.Test.Accuracy);
        Assert.Equal("model", result.Record.Backbone.Name);
        Assert.Equal(["normalize.onnx", "model.onnx"], result.Record.Backbone.Stages.Select(s => s.Path));
        Assert.True(File.Exists(Path.Combine(result.Folder, "model.onnx")));

        // The model is a single pooling: nothing to draw a heat-map of, and the report says so rather than failing.
        MLNetTransfer.Core.TorchRuntime.EnsureStarted();
        var report = MLNetTransfer.Reports.ReportWriter.Write(TrainedRun.Open(result.Folder));
        Assert.Contains("the network has no convolution whose output a heat-map could show", report.Unexplained);
        Assert.True(File.Exists(Path.Combine(result.Folder, "report.html")));
    }

    [Fact]
    public void A_wrong_input_name_lists_the_models_inputs()
    {
        var definition = ExperimentConfigReader.Read(Config("""{ "onnx": "model.onnx", "inputName": "data" }"""));
        var e = Assert.Throws<ConfigException>(() => BackboneSetup.Place(definition, folder["placed"]));
        Assert.Equal("backbone.inputName", e.Field);
        Assert.Contains("the model has no input 'data'; it has: image [1,3,32,32]", e.Message);
    }

    [Fact]
    public void An_image_size_the_model_cannot_take_is_refused()
    {
        var path = folder.Write("sized.json", File.ReadAllText(Config("""{ "onnx": "model.onnx" }""")).Replace("\"output\"", "\"imageSize\": { \"width\": 64, \"height\": 64 }, \"output\""));
        var e = Assert.Throws<ConfigException>(() => BackboneSetup.Place(ExperimentConfigReader.Read(path), folder["placed"]));
        Assert.Equal("imageSize", e.Field);
        Assert.Contains("differs from the backbone's fixed input 32 x 32", e.Message);
    }

    [Fact]
    public void A_file_that_is_not_onnx_is_named()
    {
        File.WriteAllText(folder["model.onnx"], "this is not a protobuf");
        var definition = ExperimentConfigReader.Read(Config("""{ "onnx": "model.onnx" }"""));
        var e = Assert.Throws<ConfigException>(() => BackboneSetup.Place(definition, folder["placed"]));
        Assert.Equal("backbone.onnx", e.Field);
        Assert.Contains("is not a valid ONNX model", e.Message);
    }

    [Theory]
    [InlineData("../secret.bin", "outside the model's folder")]
    [InlineData("/etc/passwd", "outside the model's folder")]
    [InlineData("weights.bin", "external data is not supported yet")]
    public void Weights_kept_in_another_file_are_refused_and_never_read_from_outside_the_models_folder(string location, string message)
    {
        var model = Onnx.ModelProto.Parser.ParseFrom(File.ReadAllBytes(folder["model.onnx"]));
        var weights = new Onnx.TensorProto { Name = "scale", DataType = (int)Onnx.TensorProto.Types.DataType.Float, Dims = { 1 },
            DataLocation = Onnx.TensorProto.Types.DataLocation.External };
        weights.ExternalData.Add(new Onnx.StringStringEntryProto { Key = "location", Value = location });
        model.Graph.Initializer.Add(weights);
        File.WriteAllBytes(folder["model.onnx"], Google.Protobuf.MessageExtensions.ToByteArray(model));

        var definition = ExperimentConfigReader.Read(Config("""{ "onnx": "model.onnx" }"""));
        var e = Assert.Throws<ConfigException>(() => BackboneSetup.Place(definition, folder["placed"]));
        Assert.Equal("backbone.onnx", e.Field);
        Assert.Contains($"initializer 'scale' keeps its values in", e.Message);
        Assert.Contains(message, e.Message);
    }
}
