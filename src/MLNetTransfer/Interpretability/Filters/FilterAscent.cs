using MLNetTransfer.Backbones.Import;
using static TorchSharp.torch;

namespace MLNetTransfer.Interpretability.Filters;

/// <summary>The images found for some filters, and each filter's mean activation before and after.</summary>
/// <param name="Images">[N, 3, H, W], RGB in 0-255 pixel levels (from a pixel search not clipped: see <see cref="Pictures"/>).</param>
/// <param name="Start">Each filter's mean activation on its starting image (through a leaky ReLU, for a ReLU's output: see <see cref="FilterAscent.Leak"/>).</param>
/// <param name="End">Each filter's mean activation on its final image.</param>
/// <param name="History">Each filter's mean activation at each step, as the step saw its input.</param>
/// <param name="Viewable">Whether the images are already pictures (a Fourier search's), or need the book's de-processing.</param>
public sealed record FilterAscentResult(Tensor Images, float[] Start, float[] End, float[][] History, bool Viewable = false) : IDisposable
{
    /// <summary>The images as planar RGB 0-255, one array per image: de-processed as the book does where the search was in pixels.</summary>
    public float[][] Pictures()
    {
        if (!Viewable) return FilterAscent.Deprocess(Images);
        using var scope = NewDisposeScope();
        var clipped = Images.clamp(0, 255);
        return Enumerable.Range(0, (int)Images.shape[0]).Select(i => clipped[i].flatten().data<float>().ToArray()).ToArray();
    }

    public void Dispose() => Images.Dispose();
}

/// <summary>
/// The book's second view: for a filter of a layer, the input image that makes it respond most, found by gradient
/// ascent from a grey image with a little noise. Several filters of one layer are searched together as a batch (in
/// inference mode images do not interact); each image's gradient is normalised by its own root mean square. For a
/// ReLU's output the ascent maximises the ReLU's input: the same filters, but one silent on the grey start still has a
/// gradient to follow.
/// </summary>
/// <param name="graph">The network, up to at least the layer.</param>
/// <param name="inputs">RGB pixel levels [N, 3, H, W] to the graph's input; differentiable (see <see cref="ExplainableRun.Inputs"/>).</param>
/// <param name="width">Image width.</param>
/// <param name="height">Image height.</param>
public sealed class FilterAscent(OnnxGraphModule graph, Func<Tensor, Tensor> inputs, int width, int height)
{
    /// <summary>The slope below zero of the ReLU the ascent maximises in place of a ReLU's output.</summary>
    public const double Leak = 0.01;

    /// <summary>Searches an image for each of <paramref name="filters"/> (channel indices) of <paramref name="layer"/>.</summary>
    public FilterAscentResult Run(string layer, IReadOnlyList<int> filters, FilterAscentOptions options)
    {
        var n = filters.Count;
        var generator = new Generator((ulong)options.Seed);
        var random = new Random(options.Seed);
        var fourier = options.Fourier ? new FourierImage(height, width) : null;
        // What the search changes: the pixels themselves, or their spectrum.
        var searched = fourier?.Start(n, generator) ?? rand([n, 3, height, width], generator: generator) * 20 + 128;
        Tensor Image(Tensor x) => fourier?.Pixels(x) ?? x;
        var history = Enumerable.Range(0, n).Select(_ => new float[options.Steps]).ToArray();
        float[] start;
        using (no_grad())
        using (NewDisposeScope())
        {
            // The first forward pass both checks the filters against the layer's channels and measures the start.
            var output = Output(layer, inputs(Image(searched)));
            var bad = filters.Where(f => f < 0 || f >= output.shape[1]).ToList();
            if (bad.Count > 0) throw new Core.DataException($"layer {layer} has {output.shape[1]} filters; there is no filter {string.Join(", ", bad)}");
            start = OwnFilters(output, filters).data<float>().ToArray();
        }
        var spectrum = fourier is null ? null : new TorchSharp.Modules.Parameter(searched, requires_grad: true);
        using var adam = spectrum is null ? null : optim.Adam([spectrum], options.StepSize);
        for (var step = 0; step < options.Steps; step++)
        {
            using var scope = NewDisposeScope();
            // A caller's no_grad must not stop the search.
            using var withGradients = enable_grad();
            var x = spectrum ?? searched.detach().requires_grad_(true);
            var activation = OwnFilters(Output(layer, inputs(RandomChange(Image(x), options, random))), filters);
            if (adam is not null)
            {
                adam.zero_grad();
                activation.sum().neg().backward();
                adam.step();
            }
            else
            {
                activation.sum().backward();
                var gradient = x.grad!;
                gradient = gradient / (gradient.square().mean([1, 2, 3], keepdim: true).sqrt() + 1e-5);
                using (no_grad())
                {
                    var update = gradient - Penalties(searched, options);
                    searched = (searched + options.StepSize * update).detach().MoveToOuterDisposeScope();
                }
            }
            var values = activation.detach().data<float>().ToArray();
            for (var i = 0; i < n; i++) history[i][step] = values[i];
        }
        Tensor image;
        float[] end;
        using (no_grad())
        {
            image = Image(spectrum ?? searched).detach();
            using (NewDisposeScope())
                end = OwnFilters(Output(layer, inputs(image)), filters).data<float>().ToArray();
        }
        return new FilterAscentResult(image, start, end, history, Viewable: fourier is not null);
    }

    /// <summary>The number of filters (channels) <paramref name="layer"/> has.</summary>
    public long Channels(string layer)
    {
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        return Output(layer, inputs(full([1, 3, height, width], 128f))).shape[1];
    }

    /// <summary>
    /// Makes a found image viewable as the book does: standardise, scale to a standard deviation of 0.1 around 0.5,
    /// clip to [0, 1]; returned as planar RGB 0-255, one array per image.
    /// </summary>
    public static float[][] Deprocess(Tensor images)
    {
        using var scope = NewDisposeScope();
        var mean = images.mean([1, 2, 3], keepdim: true);
        var std = images.std([1, 2, 3], keepdim: true, unbiased: false);
        var viewable = ((images - mean) / (std + 1e-5) * 0.1 + 0.5).clamp(0, 1) * 255;
        return Enumerable.Range(0, (int)images.shape[0]).Select(i => viewable[i].flatten().data<float>().ToArray()).ToArray();
    }

    // Each image's mean activation of its own filter: [N].
    static Tensor OwnFilters(Tensor output, IReadOnlyList<int> filters)
    {
        var index = tensor(filters.Select(f => (long)f).ToArray()).reshape(-1, 1, 1, 1).expand(-1, 1, output.shape[2], output.shape[3]);
        return output.gather(1, index).mean([1, 2, 3]);
    }

    Tensor Output(string layer, Tensor input)
    {
        var relu = graph.Layers.FirstOrDefault(l => l.OpType == "Relu" && l.Outputs[0] == layer)?.Inputs[0];
        var output = graph.Run(new Dictionary<string, Tensor> { [graph.InputName] = input }, [relu ?? layer])[relu ?? layer];
        return relu is null ? output : nn.functional.leaky_relu(output, Leak);
    }

    // Jitter, scaling and rotation, drawn anew each step; differentiable, so the gradient reaches the unchanged image.
    static Tensor RandomChange(Tensor image, FilterAscentOptions options, Random random)
    {
        if (options.Jitter > 0)
            image = image.roll([random.Next(-options.Jitter, options.Jitter + 1), random.Next(-options.Jitter, options.Jitter + 1)], [2, 3]);
        if (options.ScaleRange <= 0 && options.RotationRange <= 0) return image;
        var scale = 1 + (2 * random.NextDouble() - 1) * options.ScaleRange;
        var angle = (2 * random.NextDouble() - 1) * options.RotationRange * Math.PI / 180;
        var (cos, sin) = (Math.Cos(angle) / scale, Math.Sin(angle) / scale);
        var theta = tensor(new[] { (float)cos, (float)-sin, 0f, (float)sin, (float)cos, 0f }, [1, 2, 3]).expand(image.shape[0], 2, 3);
        var grid = nn.functional.affine_grid(theta, image.shape, align_corners: false);
        return nn.functional.grid_sample(image, grid, GridSampleMode.Bilinear, GridSamplePaddingMode.Reflection, align_corners: false);
    }

    // The gradients of the L2 and total-variation penalties, on a -1..1 scale of the pixels (u = (x - 128) / 128).
    static Tensor Penalties(Tensor image, FilterAscentOptions options)
    {
        var u = (image - 128) / 128;
        var penalty = options.L2 * u;
        if (options.TotalVariation > 0)
        {
            // d/du of sum |u[i+1] - u[i]| along each axis: sign(u[i] - u[i-1]) - sign(u[i+1] - u[i]).
            foreach (var axis in new long[] { 2, 3 })
            {
                var sign = u.diff(dim: axis).sign();
                var before = nn.functional.pad(sign, axis == 3 ? [1, 0] : [0, 0, 1, 0]);
                var after = nn.functional.pad(sign, axis == 3 ? [0, 1] : [0, 0, 0, 1]);
                penalty = penalty + options.TotalVariation * (before - after);
            }
        }
        return penalty;
    }
}
