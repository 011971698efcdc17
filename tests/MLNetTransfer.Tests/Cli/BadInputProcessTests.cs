using System.Diagnostics;
using MLNetTransfer.Backbones;
using MLNetTransfer.Data;
using MLNetTransfer.Experiments;
using MLNetTransfer.Tests.Support;
using Onnx;
using SkiaSharp;

namespace MLNetTransfer.Tests.Cli;

/// <summary>Issue 22's cases, each with the real CLI in a process: its exit code, the file it names, what stays on disk.</summary>
public sealed class BadInputProcessTests : IDisposable
{
    readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    string Trained() => new ExperimentRunner().Run(Configs.Read(Configs.Synthetic(folder))).Folder;

    string Png(string relative, int width, int height, SKColor colour)
    {
        using var bitmap = new SKBitmap(width, height);
        bitmap.Erase(colour);
        var path = folder[relative];
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, EncodedImage.Png(bitmap));
        return path;
    }

    [Fact]
    public void Predict_skips_a_text_file_and_an_empty_file_names_them_and_predicts_the_good_one()
    {
        var run = Trained();
        var good = Directory.GetFiles(folder["data/synthetic/cat"]).Order(StringComparer.Ordinal).First();
        var junk = folder.Write("input/junk.jpg", "hello");
        var empty = folder.Write("input/empty.png", "");

        var (code, output) = CliProcess.Run(3, "predict", run, good, junk, empty, "--csv", folder["predicted.csv"]);

        Assert.Equal(0, code);
        Assert.Contains($"skipped {junk}: not a decodable image", output);
        Assert.Contains($"skipped {empty}: empty file", output);
        Assert.Equal(2, File.ReadAllLines(folder["predicted.csv"]).Length); // the header and the good photo
        var listed = File.ReadAllText(folder["predicted.skipped.csv"]);
        Assert.Contains(junk, listed);
        Assert.Contains(empty, listed);

        var (none, message) = CliProcess.Run(3, "predict", run, junk, empty);
        Assert.Equal(2, none);
        Assert.Contains(junk, message);
        Assert.Contains(empty, message);
    }

    [Fact]
    public void Explain_refuses_masks_of_another_shape_naming_the_mask_and_both_sizes_and_rescales_those_of_the_same_shape()
    {
        var run = Trained();
        var image = Directory.GetFiles(folder["data/synthetic/dog"]).Order(StringComparer.Ordinal).First();
        var name = Path.GetFileNameWithoutExtension(image);
        var wrong = Png($"wrong-masks/{name}.png", 10, 20, SKColors.White);

        var (code, output) = CliProcess.Run(5, "explain", run, image, "--masks", folder["wrong-masks"], "--out", folder["wrong-out"]);
        Assert.Equal(2, code);
        Assert.Contains(wrong, output);
        Assert.Contains("10 x 20 for an image of 128 x 128", output);
        Assert.False(Directory.Exists(folder["wrong-out"]) && Directory.EnumerateFiles(folder["wrong-out"]).Any());

        Png($"small-masks/{name}.png", 16, 16, SKColors.White);
        var (rescaled, said) = CliProcess.Run(5, "explain", run, image, "--masks", folder["small-masks"], "--out", folder["small-out"]);
        Assert.Equal(0, rescaled);
        Assert.Contains("same shape, rescaled", said);
        Assert.Contains("peak inside 100", said); // an all-white mask holds the whole map
    }

    [Fact]
    public void An_output_folder_inside_the_dataset_root_is_not_taken_for_a_class_by_the_next_run()
    {
        var config = File.ReadAllText(Configs.Synthetic(folder)).Replace("\"output\": \"../runs\"", "\"output\": \"../data/synthetic/runs\"");
        File.WriteAllText(folder["configs/experiment.json"], config);
        Assert.Equal(0, CliProcess.Run(5, "train", folder["configs/experiment.json"], "--no-report").ExitCode);

        var (code, output) = CliProcess.Run(5, "train", folder["configs/experiment.json"], "--no-report");

        Assert.Equal(0, code);
        var second = Directory.GetDirectories(folder["data/synthetic/runs/synthetic-test"]).Order(StringComparer.Ordinal).Last();
        var record = RunFolder.Open(second).ReadJson<RunRecord>(RunFolder.RunFile);
        Assert.Equal(["cat", "dog"], record.Dataset.Classes);
        Assert.Contains(record.Dataset.Skipped, s => s.Path == folder["data/synthetic/runs"] && s.Reason == ImageFolder.RunOutputReason);
    }

    [Fact]
    public void A_feature_extraction_killed_part_way_is_shown_as_killed_and_the_next_run_completes_from_its_chunks()
    {
        // 272 training photos: more than one chunk of 256, so the kill can land after the first is written.
        var config = folder.Write("configs/experiment.json", """
            {
              "name": "killed-extraction", "seed": 7,
              "dataset": { "root": "../data/synthetic", "synthetic": { "imagesPerClass": 170, "imageSize": 96, "seed": 3 },
                           "split": { "train": 0.8, "validation": 0.1, "test": 0.1 } },
              "head": { "trainer": "lbfgs-maximum-entropy" },
              "output": "../runs"
            }
            """);
        using (var child = CliProcess.Start([], "train", config, "--no-report"))
        {
            var clock = Stopwatch.StartNew();
            while (!(Directory.Exists(folder["runs/.feature-cache"]) && Directory.GetFiles(folder["runs/.feature-cache"], "*.part*").Length > 0))
            {
                Assert.False(child.HasExited, "the extraction finished before it could be killed");
                Assert.True(clock.Elapsed < TimeSpan.FromMinutes(5), "no chunk of features was written in 5 minutes");
                Thread.Sleep(20);
            }
            child.Kill(entireProcessTree: true);
            child.WaitForExit();
        }
        var run = Directory.GetDirectories(folder["runs/killed-extraction"]).Single();
        Assert.Equal(RunRecord.Running, RunFolder.Open(run).ReadJson<RunRecord>(RunFolder.RunFile).Status); // all a kill leaves
        var (reported, said) = CliProcess.Run(2, "report", run);
        Assert.Equal(2, reported);
        Assert.Contains($"{run} is {RunRecord.Killed}", said);
        Assert.Contains("train its config again: the new run takes up the features already extracted", said);
        Assert.False(File.Exists(Path.Combine(run, RunFolder.ModelFile)));

        Assert.Equal(0, CliProcess.Run(5, "train", config, "--no-report").ExitCode);
        Assert.Empty(Directory.GetFiles(folder["runs/.feature-cache"], "*.part*")); // the chunks were taken up
        Assert.Equal(RunRecord.Killed, RunHeartbeat.StatusOf(RunFolder.Open(run), RunFolder.Open(run).ReadJson<RunRecord>(RunFolder.RunFile)));
    }

    [Fact]
    public void An_unexpected_exception_exits_with_1_and_keeps_the_trace_in_the_file_it_names()
    {
        var run = Trained();
        var good = Directory.GetFiles(folder["data/synthetic/cat"]).First();

        var (code, output) = CliProcess.Run(3, "predict", run, good, "--csv", folder["no such folder/predicted.csv"]);

        Assert.Equal(1, code);
        var log = output.Split('\n').Single(l => l.StartsWith("the full trace is in ", StringComparison.Ordinal))["the full trace is in ".Length..].Split(';')[0];
        Assert.Contains("   at ", File.ReadAllText(log));
        File.Delete(log);
    }

    // A classifier as other toolkits export it: input [N, 3, H, W] with named free dimensions, a pooled feature
    // tensor inside, then a linear layer and softmax as the only output.
    string Classifier()
    {
        var builder = new OnnxGraphBuilder("classifier")
            .Input("image", 1, 3, 1, 1)
            .Output("prob", 1, 2)
            .Constant("w", [4, 3, 3, 3], Enumerable.Range(0, 108).Select(i => (i % 7 - 3) / 10f).ToArray())
            .Constant("fc", [4, 2], [1, -1, -1, 1, 0.5f, -0.5f, -0.5f, 0.5f])
            .Node("Conv", "conv", ["image", "w"], ["conv"], new Dictionary<string, object> { ["pads"] = new long[] { 1, 1, 1, 1 } })
            .Node("Relu", "relu", ["conv"], ["relu"])
            .Node("GlobalAveragePool", "gap", ["relu"], ["pooled"])
            .Node("Flatten", "flatten", ["pooled"], ["flat"])
            .Node("MatMul", "head", ["flat", "fc"], ["logits"])
            .Node("Softmax", "softmax", ["logits"], ["prob"]);
        var dims = builder.Graph.Input[0].Type.TensorType.Shape.Dim;
        dims[0] = new TensorShapeProto.Types.Dimension { DimParam = "N" };
        dims[2] = new TensorShapeProto.Types.Dimension { DimParam = "H" };
        dims[3] = new TensorShapeProto.Types.Dimension { DimParam = "W" };
        builder.Graph.Output[0].Type.TensorType.Shape.Dim[0] = new TensorShapeProto.Types.Dimension { DimParam = "N" };
        builder.Save(folder["classifier.onnx"]);
        return folder["classifier.onnx"];
    }

    [Theory]
    [InlineData("feature-extraction")]
    [InlineData("fine-tune")]
    public void A_classifier_with_free_height_and_width_is_cut_at_an_inner_tensor_and_trains_explains_and_reports(string mode)
    {
        Classifier();
        var head = mode == "feature-extraction" ? """{ "trainer": "lbfgs-maximum-entropy" }""" : null;
        var extra = $$"""
            "mode": "{{mode}}", "imageSize": { "width": 64, "height": 64 },
            "backbone": { "onnx": "../classifier.onnx", "outputName": "pooled" },
            {{(mode == "fine-tune" ? """ "training": { "batchSize": 4, "phases": [ { "name": "head", "epochs": 1 }, { "name": "all", "epochs": 1, "unfreeze": { "topStages": 1 } } ] }, """ : "")}}
            """;
        var config = Configs.Synthetic(folder, head: head, extra: extra);

        var (code, output) = CliProcess.Run(10, "train", config);

        Assert.True(code == 0, output);
        var run = Directory.GetDirectories(folder["runs/synthetic-test"]).Single();
        var copy = OnnxModelInfo.Read(Path.Combine(run, "classifier.onnx"));
        Assert.Equal("pooled [?,4,1,1]", Assert.Single(copy.Outputs).ToString().Replace("N", "?"));
        Assert.Equal([null, 3, 64, 64], copy.Inputs.Single().Shape.Select((d, i) => i == 0 ? null : d));
        Assert.True(File.Exists(Path.Combine(run, "report.html")));
        var image = Directory.GetFiles(folder["data/synthetic/cat"]).First();
        Assert.Equal(0, CliProcess.Run(5, "explain", run, image).ExitCode);
    }

    [Fact]
    public void An_unknown_tensor_name_is_refused_with_the_nearest_names()
    {
        Classifier();
        var config = Configs.Synthetic(folder, extra: """
            "imageSize": { "width": 64, "height": 64 }, "backbone": { "onnx": "../classifier.onnx", "outputName": "poold" },
            """);

        var (code, output) = CliProcess.Run(3, "train", config, "--no-report");

        Assert.Equal(2, code);
        Assert.Contains("backbone.outputName", output);
        Assert.Contains("the model has no tensor 'poold'", output);
        Assert.Contains("pooled", output.Split("nearest names")[1]);
        Assert.False(Directory.Exists(folder["runs/synthetic-test"]) && Directory.EnumerateDirectories(folder["runs/synthetic-test"]).Any());
    }

    [RootOnLinuxFact]
    public void A_full_disk_fails_the_run_leaves_no_partial_file_and_run_json_says_failed_with_the_error()
    {
        var mount = folder["small disk"];
        Directory.CreateDirectory(mount);
        // The bundled ResNet18 (64 MB) fits; model.zip, which holds it too, does not.
        using (var mounting = Process.Start("mount", ["-t", "tmpfs", "-o", "size=90m", "tmpfs", mount])!)
        {
            mounting.WaitForExit();
            Assert.True(mounting.ExitCode == 0, "mount -t tmpfs failed");
        }
        try
        {
            var config = File.ReadAllText(Configs.Synthetic(folder)).Replace("\"output\": \"../runs\"", $"\"output\": \"{mount.Replace("\\", "\\\\")}\"");
            File.WriteAllText(folder["configs/experiment.json"], config);

            var (code, output) = CliProcess.Run(5, "train", folder["configs/experiment.json"], "--no-report");

            Assert.Equal(1, code);
            Assert.Contains("No space left on device", output);
            var run = Directory.GetDirectories(Path.Combine(mount, "synthetic-test")).Single();
            Assert.Empty(Directory.GetFiles(run, "*.partial", SearchOption.AllDirectories));
            var record = RunFolder.Open(run).ReadJson<RunRecord>(RunFolder.RunFile);
            Assert.Equal(RunRecord.Failed, record.Status);
            Assert.Contains("No space left on device", record.Error);
            Assert.False(File.Exists(Path.Combine(run, RunHeartbeat.File)));
        }
        finally
        {
            Process.Start("umount", [mount])!.WaitForExit();
        }
    }
}
