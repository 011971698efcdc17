using MLNetTransfer.Backbones;
using MLNetTransfer.Backbones.Import;
using MLNetTransfer.Core;
using MLNetTransfer.Interpretability.Cam;
using MLNetTransfer.Tests.Support;
using MLNetTransfer.Training;
using static TorchSharp.torch;

namespace MLNetTransfer.Tests.Interpretability;

/// <summary>
/// Each CAM method against its paper's definition, on <see cref="HandGradientNetwork"/>, whose gradient at the
/// explained layer is written out by hand and varies over the map.
/// </summary>
public sealed class CamDefinitionTests : IDisposable
{
    const int Size = HandGradientNetwork.Size;
    const int Class = 0;
    readonly HandGradientNetwork tiny = new();
    readonly TransferNetwork network;
    readonly Tensor images;

    public CamDefinitionTests() => (network, images) = (tiny.Network, tiny.Images);

    public void Dispose() => tiny.Dispose();

    Tensor A() => tiny.A();

    Tensor Logits(Tensor a) => tiny.Logits(a);

    Tensor Gradient(Tensor a) => tiny.GradientAtA(a, Class);

    static Tensor Normalised(Tensor map)
    {
        var positive = nn.functional.relu(map);
        return positive / (positive.amax([1, 2], keepdim: true) + 1e-8);
    }

    void Matches(CamMethod method, Tensor expected, double tolerance = 1e-5)
    {
        var (maps, classes) = method.Compute(network, images, "activated", targetClass: Class);
        Assert.Equal([(long)Class, Class], classes);
        Assert.Equal([2L, Size, Size], maps.shape);
        var difference = (maps - Normalised(expected)).abs().max().item<float>();
        Assert.True(difference <= tolerance, $"{method.Name}: max |map - definition| = {difference:E2}");
        Assert.True(maps.amax([1, 2]).min().item<float>() > 0.99f, $"{method.Name}: a map that is all zero proves nothing");
    }

    [Fact]
    public void The_hand_written_gradient_is_the_one_the_methods_capture_and_it_varies_over_the_map()
    {
        var (_, gradients, _) = CamMethod.Capture(network, images, "activated", [Class, Class]);
        var expected = Gradient(A());
        Assert.True((gradients! - expected).abs().max().item<float>() < 1e-6);
        Assert.True((expected - expected.mean([2, 3], keepdim: true)).abs().max().item<float>() > 1e-3, "a gradient constant over the map would make the methods agree");
    }

    [Fact]
    public void Grad_cam_weighs_each_channel_by_its_mean_gradient()
    {
        var a = A();
        Matches(new GradCam(), (Gradient(a).mean([2, 3], keepdim: true) * a).sum(1));
    }

    [Fact]
    public void HiResCam_multiplies_gradient_and_activation_place_by_place()
    {
        var a = A();
        Matches(new HiResCam(), (Gradient(a) * a).sum(1));
    }

    [Fact]
    public void XGradCam_weighs_each_channel_by_its_gradient_averaged_with_the_activations_as_weights()
    {
        var a = A();
        var weights = (Gradient(a) * a).sum([2, 3], keepdim: true) / (a.sum([2, 3], keepdim: true) + 1e-7);
        Matches(new XGradCam(), (weights * a).sum(1));
    }

    [Fact]
    public void LayerCam_weighs_each_place_by_its_positive_gradient()
    {
        var a = A();
        Matches(new LayerCam(), (nn.functional.relu(Gradient(a)) * a).sum(1));
    }

    [Fact]
    public void AblationCam_weighs_each_channel_by_the_share_of_the_logit_lost_without_it()
    {
        var a = A();
        var original = Logits(a)[.., Class];
        var weights = stack(Enumerable.Range(0, 4).Select(k =>
        {
            var ablated = a.clone();
            ablated[TensorIndex.Colon, k] = tensor(0f);
            return (original - Logits(ablated)[.., Class]) / original;
        }).ToArray(), 1);
        Matches(new AblationCam(batchSize: 3), (weights.unsqueeze(-1).unsqueeze(-1) * a).sum(1));
    }

    // The first principal axis by power iteration on the covariance, not by SVD, turned to agree with the channel sum.
    static Tensor Projection(Tensor weighted)
    {
        var maps = new List<Tensor>();
        for (var i = 0; i < weighted.shape[0]; i++)
        {
            var points = weighted[i].flatten(1).t();
            var centred = points - points.mean([0], keepdim: true);
            var covariance = centred.t().matmul(centred);
            var axis = ones(covariance.shape[0], 1);
            for (var step = 0; step < 500; step++) axis = covariance.matmul(axis) / covariance.matmul(axis).norm();
            var projection = centred.matmul(axis).squeeze(1);
            var sum = points.sum(1);
            if ((projection * (sum - sum.mean())).sum().item<float>() < 0) projection = -projection;
            maps.Add(projection.reshape(weighted.shape[2], weighted.shape[3]));
        }
        return stack(maps.ToArray());
    }

    [Fact]
    public void EigenCam_is_the_first_principal_component_of_the_activations_and_eigen_grad_cam_that_of_gradient_times_activation()
    {
        var a = A();
        Matches(new EigenCam(), Projection(a), 1e-4);
        Matches(new EigenCam(withGradients: true), Projection(Gradient(a) * a), 1e-4);
    }

    [Fact]
    public void Eigen_smoothing_replaces_the_sum_over_channels_by_the_principal_component_of_the_weighted_activations()
    {
        var a = A();
        Matches(new GradCam { EigenSmooth = true }, Projection(Gradient(a).mean([2, 3], keepdim: true) * a), 1e-4);
    }

    [Fact]
    public void Faster_score_cam_scores_only_the_channels_that_vary_most_and_with_all_of_them_is_score_cam()
    {
        var a = A();
        var (all, _) = new ScoreCam().Compute(network, images, "activated", targetClass: Class);
        var (everyChannel, _) = new ScoreCam { TopChannels = 4 }.Compute(network, images, "activated", targetClass: Class);
        Assert.True((all - everyChannel).abs().max().item<float>() < 1e-6);

        // Score-CAM's weight, by its definition, for the two channels of highest variance of each image; 0 for the rest.
        using var _ = no_grad();
        var expected = new List<Tensor>();
        for (var i = 0; i < 2; i++)
        {
            var top = a[i].flatten(1).var(1).argsort(descending: true).narrow(0, 0, 2).data<long>().ToArray();
            var map = zeros(Size, Size);
            foreach (var k in top)
            {
                var channel = a[i, k];
                var mask = (channel - channel.min()) / (channel.max() - channel.min() + 1e-8);
                var probability = nn.functional.softmax(network.forward((images[i] * mask).unsqueeze(0)), 1)[0, Class];
                map += probability * channel;
            }
            expected.Add(map);
        }
        Matches(new ScoreCam { TopChannels = 2 }, stack(expected.ToArray()));
    }

    [Fact]
    public void Hires_cam_equals_grad_cam_when_global_average_pooling_and_a_linear_layer_follow_the_layer()
    {
        // Explained at the last ReLU before the pooling (mixed_relu), the gradient is W[c, k] / (h w) everywhere.
        var (gradCam, _) = new GradCam().Compute(network, images, "mixed_relu", targetClass: Class);
        var (hiResCam, _) = new HiResCam().Compute(network, images, "mixed_relu", targetClass: Class);
        Assert.True(gradCam.amax([1, 2]).min().item<float>() > 0.99f);
        Assert.True((gradCam - hiResCam).abs().max().item<float>() < 1e-6);
        // Below the 1x1 conv and its ReLU they differ, which is what HiResCAM is for.
        var (lower, _) = new GradCam().Compute(network, images, "activated", targetClass: Class);
        var (lowerHiRes, _) = new HiResCam().Compute(network, images, "activated", targetClass: Class);
        Assert.True((lower - lowerHiRes).abs().max().item<float>() > 1e-3);
    }

    [Fact]
    public void Augmentation_smoothing_treats_an_image_and_its_mirror_alike_and_keeps_the_explained_class()
    {
        var method = new GradCam { AugmentationSmooth = true };
        var (maps, classes) = method.Compute(network, images, "activated");
        var (mirrored, mirroredClasses) = method.Compute(network, images.flip(3), "activated", classes);
        Assert.Equal(classes, mirroredClasses);
        // The views of a mirror are the views of the image, mirrored: the averaged maps are mirrors of each other.
        Assert.True((maps - mirrored.flip(2)).abs().max().item<float>() < 1e-5);
        var (plain, _) = new GradCam().Compute(network, images, "activated", classes);
        Assert.True((maps - plain).abs().max().item<float>() > 1e-3, "smoothing that changes nothing is not smoothing");
        Assert.True(maps.min().item<float>() >= 0 && maps.amax([1, 2]).min().item<float>() > 0.99f);
    }
}
