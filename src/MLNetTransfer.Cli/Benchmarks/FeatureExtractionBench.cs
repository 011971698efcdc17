using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using MLNetTransfer.Backbones;
using MLNetTransfer.Core;
using MLNetTransfer.Pipelines;

namespace MLNetTransfer.Cli.Benchmarks;

/// <summary>
/// Backbone features for image files: the framework's ML.NET chain (decode, resize, pixels, ONNX) against raw ONNX
/// Runtime sessions on tensors built beforehand, and decoding with resizing alone.
/// </summary>
public static class FeatureExtractionBench
{
    public static IReadOnlyList<Measurement> Run(Backbone backbone, IReadOnlyList<string> images, double seconds, double limit)
    {
        var ml = new MLContext(1);
        var data = ml.Data.LoadFromEnumerable(images.Select(i => new ImageInput { ImagePath = i }));
        var decode = ml.Transforms.ExtractBackbonePixels(backbone, backbone.PixelsName).Fit(data);
        var features = ml.Transforms.ExtractBackboneFeatures(backbone).Fit(data);

        var (decodeTime, decodeMemory) = Timing.Median(() => Drain(decode.Transform(data), backbone.PixelsName), seconds);

        // The same images as tensors, decoded beforehand: what ONNX Runtime alone does with them.
        var pixels = decode.Transform(data).GetColumn<float[]>(backbone.PixelsName).ToArray();
        // The same thread counts as the framework gives its sessions: the comparison is of the chain, not of settings.
        var sessions = backbone.Stages.Select(s =>
        {
            using var options = new SessionOptions { IntraOpNumThreads = BackboneCatalog.OnnxThreads(s, backbone) };
            return (Stage: s, Session: new InferenceSession(s.Path, options));
        }).ToList();
        try
        {
            var shape = new[] { 1, 3, backbone.Height, backbone.Width };
            void Raw()
            {
                foreach (var image in pixels)
                {
                    var current = new DenseTensor<float>(image, shape);
                    foreach (var (stage, session) in sessions)
                    {
                        using var results = session.Run([NamedOnnxValue.CreateFromTensor(stage.InputName, current)], [stage.OutputName]);
                        var output = results.Single().AsTensor<float>();
                        current = new DenseTensor<float>(output.ToArray(), output.Dimensions);
                    }
                }
            }
            // In turn, pass after pass: the ratio then holds even while this shared machine's speed drifts.
            var (times, memory) = Timing.Interleaved([() => Drain(features.Transform(data), "Features"), Raw], seconds);
            var (chainTime, rawTime) = (times[0], times[1]);
            var (chainMemory, rawMemory) = (memory[0], memory[1]);

            var raw = images.Count / rawTime;
            var chain = images.Count / chainTime;
            return
            [
                new("decode + resize (ML.NET)", images.Count / decodeTime, "images/s", decodeMemory),
                new("ONNX Runtime, tensors built beforehand", raw, "images/s", rawMemory, new Dictionary<string, double> { ["arithmetic limit"] = limit }),
                new("feature extraction, framework chain", chain, "images/s", chainMemory,
                    new Dictionary<string, double> { ["raw ONNX Runtime"] = raw, ["arithmetic limit"] = limit }),
            ];
        }
        finally
        {
            foreach (var (_, session) in sessions) session.Dispose();
        }
    }

    static void Drain(IDataView view, string column)
    {
        var buffer = default(VBuffer<float>);
        using var cursor = view.GetRowCursor(view.Schema.Where(c => c.Name == column));
        var getter = cursor.GetGetter<VBuffer<float>>(view.Schema[column]);
        while (cursor.MoveNext()) getter(ref buffer);
    }
}
