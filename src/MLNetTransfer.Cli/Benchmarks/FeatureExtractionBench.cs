using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using MLNetTransfer.Backbones;
using MLNetTransfer.Core;
using MLNetTransfer.Pipelines;

namespace MLNetTransfer.Cli.Benchmarks;

/// <summary>
/// Backbone features for image files: what feature extraction runs (<see cref="BatchFeaturizer"/>: decoding on a worker,
/// batches through ONNX Runtime) and the ML.NET chain model.zip holds (decode, resize, pixels, ONNX, photo by photo),
/// against raw ONNX Runtime sessions on tensors built beforehand, photo by photo and in the same batches, and decoding
/// with resizing alone.
/// </summary>
public static class FeatureExtractionBench
{
    const int Batch = 16; // BatchFeaturizer's default

    public static IReadOnlyList<Measurement> Run(Backbone backbone, IReadOnlyList<string> images, double seconds, double limit)
    {
        var ml = new MLContext(1);
        var data = ml.Data.LoadFromEnumerable(images.Select(i => new ImageInput { ImagePath = i }));
        var decode = ml.Transforms.ExtractBackbonePixels(backbone, backbone.PixelsName).Fit(data);
        var chain = ml.Transforms.ExtractBackboneFeatures(backbone).Fit(data);
        using var batched = new BatchFeaturizer(ml, backbone, batchSize: Batch);

        var (decodeTime, decodeMemory) = Timing.Median(() => Drain(decode.Transform(data), backbone.PixelsName), seconds);

        // The same images as tensors, decoded beforehand: what ONNX Runtime alone does with them.
        var pixels = decode.Transform(data).GetColumn<float[]>(backbone.PixelsName).ToArray();
        // The same thread counts as the framework gives its sessions: the comparison is of the chain, not of settings.
        List<(OnnxStage Stage, InferenceSession Session)> Sessions(Func<byte[], byte[]> graph) => backbone.Stages.Select(s =>
        {
            using var options = new SessionOptions { IntraOpNumThreads = BackboneCatalog.OnnxThreads(s == backbone.Model) };
            return (s, new InferenceSession(graph(File.ReadAllBytes(s.Path)), options));
        }).ToList();
        var single = Sessions(model => model);
        var batches = Sessions(BatchFeaturizer.WithFreeBatch);
        try
        {
            var length = pixels[0].Length;
            void Raw(List<(OnnxStage Stage, InferenceSession Session)> sessions, int batch)
            {
                var buffer = new float[batch * length];
                foreach (var chunk in pixels.Chunk(batch))
                {
                    for (var i = 0; i < chunk.Length; i++) chunk[i].CopyTo(buffer, i * length);
                    var current = new DenseTensor<float>(buffer.AsMemory(0, chunk.Length * length), [chunk.Length, 3, backbone.Height, backbone.Width]);
                    foreach (var (stage, session) in sessions)
                    {
                        using var results = session.Run([NamedOnnxValue.CreateFromTensor(stage.InputName, current)], [stage.OutputName]);
                        var output = results.Single().AsTensor<float>();
                        current = new DenseTensor<float>(output.ToArray(), output.Dimensions);
                    }
                }
            }
            void Batched()
            {
                foreach (var _ in batched.Features(images, passes: 1)) { }
            }
            // In turn, pass after pass: the ratios then hold even while this shared machine's speed drifts.
            var (times, memory) = Timing.Interleaved(
                [Batched, () => Drain(chain.Transform(data), "Features"), () => Raw(single, 1), () => Raw(batches, Batch)], seconds);
            var rate = times.Select(t => images.Count / t).ToArray();
            var (framework, modelChain, raw, rawBatched) = (rate[0], rate[1], rate[2], rate[3]);
            return
            [
                new("decode + resize (ML.NET)", images.Count / decodeTime, "images/s", decodeMemory),
                new("ONNX Runtime, tensors built beforehand, photo by photo", raw, "images/s", memory[2], new Dictionary<string, double> { ["arithmetic limit"] = limit }),
                new($"ONNX Runtime, tensors built beforehand, batches of {Batch}", rawBatched, "images/s", memory[3]),
                new($"feature extraction, framework (decoding worker, batches of {Batch})", framework, "images/s", memory[0],
                    new Dictionary<string, double> { ["raw ONNX Runtime"] = raw, [$"raw ONNX Runtime, batches of {Batch}"] = rawBatched, ["arithmetic limit"] = limit }),
                new("model.zip's ML.NET chain, photo by photo", modelChain, "images/s", memory[1],
                    new Dictionary<string, double> { ["raw ONNX Runtime"] = raw }),
            ];
        }
        finally
        {
            foreach (var (_, session) in single.Concat(batches)) session.Dispose();
        }
    }

    /// <summary>Reads every row's <paramref name="columns"/> (float vectors): the work an app asks of a chain.</summary>
    internal static void Drain(IDataView view, params string[] columns)
    {
        var buffer = default(VBuffer<float>);
        using var cursor = view.GetRowCursor(view.Schema.Where(c => columns.Contains(c.Name)));
        var getters = columns.Select(c => cursor.GetGetter<VBuffer<float>>(view.Schema[c])).ToList();
        while (cursor.MoveNext())
            foreach (var getter in getters) getter(ref buffer);
    }
}
