using Microsoft.ML;
using Microsoft.ML.Data;
using MLNetTransfer.Core;
using MLNetTransfer.Pipelines.Augmentation;
using static TorchSharp.torch;

namespace MLNetTransfer.Tests.Pipelines;

/// <summary>Geometry checked on synthetic images with one marked pixel; randomness checked for seed and epoch.</summary>
public sealed class AugmentationTests
{
    const int Size = 16;

    public AugmentationTests() => TorchRuntime.EnsureStarted();

    // One image [1, 3, Size, Size], zero but for one pixel of value 100 in every channel.
    static Tensor Marked(int x, int y, int width = Size, int height = Size)
    {
        var image = zeros(1, 3, height, width);
        image[.., .., y, x] = tensor(100f);
        return image;
    }

    // Where the brightest pixel of channel 0 is.
    static (int X, int Y) Peak(Tensor image)
    {
        var plane = image[0, 0];
        var index = plane.argmax().item<long>();
        return ((int)(index % plane.shape[1]), (int)(index / plane.shape[1]));
    }

    static AugmentationDraw Affine(params double[] m) => new(m, 1, 1);

    static ImageAugmenter Augmenter(AugmentationOptions? options = null) => new(options ?? new AugmentationOptions(), seed: 5);

    [Fact]
    public void A_horizontal_flip_moves_a_pixel_to_its_mirror_exactly()
    {
        using var scope = NewDisposeScope();
        var output = Augmenter().Apply(Marked(3, 5), [Affine(-1, 0, 0, 0, 1, 0)]);
        Assert.Equal((Size - 1 - 3, 5), Peak(output));
        Assert.Equal(100f, output[0, 0, 5, Size - 1 - 3].item<float>(), 4);
        Assert.Equal(100f, output.sum().item<float>() / 3, 3);
    }

    [Fact]
    public void A_90_degree_rotation_of_a_square_image_is_exact_and_counter_clockwise()
    {
        using var scope = NewDisposeScope();
        var image = rand(1, 3, Size, Size);
        // Sampling map of a 90 degree turn: the output at (x, y) reads the input at (-y, x), centred, y down.
        var output = Augmenter().Apply(image, [Affine(0, -1, 0, 1, 0, 0)]);
        var expected = image.rot90(1, (2, 3));
        Assert.True(output.allclose(expected, rtol: 0, atol: 1e-5));
        // The top-right corner's content ends up at the top left: counter-clockwise on screen.
        Assert.Equal((0, 0), Peak(Augmenter().Apply(Marked(Size - 1, 0), [Affine(0, -1, 0, 1, 0, 0)])));
    }

    [Fact]
    public void Zoom_and_shift_move_a_marked_point_by_the_expected_amount_within_a_pixel()
    {
        using var scope = NewDisposeScope();
        var augmenter = Augmenter();
        // The pixel at (11, 8) is 3.5 right and 0.5 down of the centre (7.5, 7.5); zooming by 2 doubles that.
        var (zx, zy) = Peak(augmenter.Apply(Marked(11, 8), [Affine(0.5, 0, 0, 0, 0.5, 0)]));
        Assert.InRange(zx, 7.5 + 7 - 1, 7.5 + 7 + 1);
        Assert.InRange(zy, 7.5 + 1 - 1, 7.5 + 1 + 1);
        // Shifting the content by (+3, -2): the output at p reads the input at p - (3, -2).
        Assert.Equal((6 + 3, 9 - 2), Peak(augmenter.Apply(Marked(6, 9), [Affine(1, 0, -3, 0, 1, 2)])));
    }

    [Fact]
    public void Fill_modes_fill_what_comes_in_from_outside()
    {
        using var scope = NewDisposeScope();
        var image = arange(Size, dtype: float32).expand(1, 3, Size, Size).contiguous();   // value = x
        var shift = Affine(1, 0, -4, 0, 1, 0);                                              // content moves 4 right
        float Left(FillMode mode, double fill = 0) => Augmenter(new AugmentationOptions { FillMode = mode, FillValue = fill }).Apply(image, [shift])[0, 0, 0, 1].item<float>();
        Assert.Equal(0f, Left(FillMode.Nearest), 4);               // aaaa|abcd
        Assert.Equal(77f, Left(FillMode.Constant, 77), 4);         // kkkk|abcd
        Assert.Equal(2f, Left(FillMode.Reflect), 4);               // dcba|abcd: x = 1 reads x = -3, mirrored to 2
        Assert.Equal(Size - 3f, Left(FillMode.Wrap), 4);           // abcd|abcd: x = 1 reads x = -3, wrapped to 13
    }

    [Fact]
    public void Draws_follow_the_options_ranges()
    {
        var flips = Enumerable.Range(0, 200).Select(i => AugmentationDraw.For(new AugmentationOptions { HorizontalFlip = true }, 1, 0, i, 100, 80).Affine).ToList();
        Assert.All(flips, m => Assert.True(m.SequenceEqual([1.0, 0, 0, 0, 1, 0]) || m.SequenceEqual([-1.0, 0, 0, 0, 1, 0])));
        Assert.InRange(flips.Count(m => m[0] < 0), 70, 130);
        var shifts = Enumerable.Range(0, 200).Select(i => AugmentationDraw.For(new AugmentationOptions { WidthShiftRange = 0.1, HeightShiftRange = 5 }, 1, 0, i, 100, 80).Affine).ToList();
        Assert.All(shifts, m => Assert.True(Math.Abs(m[2]) <= 10 && Math.Abs(m[5]) <= 5));
        Assert.Contains(shifts, m => Math.Abs(m[2]) > 5);
        var light = Enumerable.Range(0, 50).Select(i => AugmentationDraw.For(new AugmentationOptions { BrightnessRange = [0.5, 0.8] }, 1, 0, i, 10, 10).Brightness);
        Assert.All(light, b => Assert.InRange(b, 0.5, 0.8));
    }

    [Fact]
    public void The_same_seed_gives_the_same_images_and_each_epoch_new_ones()
    {
        using var scope = NewDisposeScope();
        var options = new AugmentationOptions { RotationRange = 30, ZoomRange = 0.2, HorizontalFlip = true, BrightnessRange = [0.8, 1.2] };
        var image = rand(2, 3, Size, Size) * 255;
        var first = new ImageAugmenter(options, seed: 3).Apply(image, epoch: 0, [0, 1]);
        Assert.True(first.equal(new ImageAugmenter(options, seed: 3).Apply(image, epoch: 0, [0, 1])).all().item<bool>());
        Assert.False(first.allclose(new ImageAugmenter(options, seed: 3).Apply(image, epoch: 1, [0, 1])));
        Assert.False(first.allclose(new ImageAugmenter(options, seed: 4).Apply(image, epoch: 0, [0, 1])));
    }

    [Fact]
    public void The_ml_net_estimator_augments_anew_on_every_pass_and_refuses_to_be_saved()
    {
        var ml = new MLContext(1);
        var rows = Enumerable.Range(0, 3).Select(i => new PixelRow { Pixels = Enumerable.Range(0, 3 * Size * Size).Select(v => (float)((v * 7 + i * 13) % 256)).ToArray() });
        var data = ml.Data.LoadFromEnumerable(rows);
        var options = new AugmentationOptions { RotationRange = 45, HorizontalFlip = true };
        var augmented = ml.Transforms.AugmentImages("Pixels", Size, Size, options, seed: 9).Fit(data).Transform(data);
        var pass1 = augmented.GetColumn<float[]>("Pixels").ToList();
        var pass2 = augmented.GetColumn<float[]>("Pixels").ToList();
        Assert.NotEqual(pass1[0], pass2[0]);
        var again = ml.Transforms.AugmentImages("Pixels", Size, Size, options, seed: 9).Fit(data).Transform(data).GetColumn<float[]>("Pixels").ToList();
        Assert.Equal(pass1[2], again[2]);

        var transformer = ml.Transforms.AugmentImages("Pixels", Size, Size, options, seed: 9).Fit(data);
        var e = Assert.Throws<InvalidOperationException>(() => ml.Model.Save(transformer, data.Schema, new MemoryStream()));
        Assert.Contains("augmentation is for training only and is never saved", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => ml.Transforms.AugmentImages("Pixels", Size + 1, Size, options, seed: 9).Fit(data));
    }

    [Fact]
    public void The_augmented_view_gives_each_row_its_own_draw_without_a_new_image_sized_array_per_row()
    {
        const int Side = 224, Rows = 40; // one image is 602 KB of floats, above the large-object heap's 85 KB
        var ml = new MLContext(1);
        var images = Enumerable.Range(0, Rows).Select(i => new LargePixelRow { Pixels = Enumerable.Range(0, 3 * Side * Side).Select(v => (float)((v * 7 + i * 13) % 256)).ToArray() }).ToList();
        var options = new AugmentationOptions { RotationRange = 30, ZoomRange = 0.2, HorizontalFlip = true };
        var augmented = ml.Transforms.AugmentImages("Pixels", Side, Side, options, seed: 3).Fit(ml.Data.LoadFromEnumerable(images)).Transform(ml.Data.LoadFromEnumerable(images));

        using var cursor = augmented.GetRowCursor(augmented.Schema);
        var getter = cursor.GetGetter<VBuffer<float>>(augmented.Schema["Pixels"]);
        var value = default(VBuffer<float>);
        var expected = new ImageAugmenter(options, seed: 3);
        long allocated = 0;
        while (cursor.MoveNext())
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            getter(ref value);
            if (cursor.Position > 0) allocated += GC.GetAllocatedBytesForCurrentThread() - before; // the first row sizes the buffers
            if (cursor.Position % 13 != 0) continue;
            using var scope = NewDisposeScope();
            var direct = expected.Apply(tensor(images[(int)cursor.Position].Pixels, [1, 3, Side, Side]), 0, [(int)cursor.Position]);
            Assert.Equal(direct.data<float>().ToArray(), value.DenseValues().ToArray());
        }
        Assert.True(allocated < 3 * Side * Side * 4, $"{allocated:N0} bytes allocated for {Rows - 1} rows: the view makes a new image-sized array per row");
    }

    sealed class PixelRow
    {
        [VectorType(3 * Size * Size)]
        public float[] Pixels { get; set; } = [];
    }

    sealed class LargePixelRow
    {
        [VectorType(3 * 224 * 224)]
        public float[] Pixels { get; set; } = [];
    }
}
