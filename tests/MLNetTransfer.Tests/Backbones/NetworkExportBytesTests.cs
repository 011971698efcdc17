using System.Security.Cryptography;
using MLNetTransfer.Backbones;
using MLNetTransfer.Backbones.Export;
using MLNetTransfer.Backbones.Import;
using MLNetTransfer.Tests.Support;
using MLNetTransfer.Training;
using static TorchSharp.torch;

namespace MLNetTransfer.Tests.Backbones;

public class NetworkExportBytesTests
{
    // The SHA-256 of what NetworkExport wrote at ca7f04c, before the Heatmap output existed: apps that load a model
    // saved without it must get the very same file.
    [Theory]
    [InlineData(TestTimeAugmentation.None, "061452E4728BEBC9277447EF7E05E4EDB8507B01B36AF69A6A13549D73F7C69B")]
    [InlineData(TestTimeAugmentation.Flips, "7A34A49CD1E796DEE7DC5BCBE7321757D94D35F82068F5DCE443FBE3E2282A51")]
    public void A_network_saved_without_a_heatmap_is_byte_for_byte_what_it_was(TestTimeAugmentation flips, string sha256)
    {
        using var folder = new TempFolder();
        var backbone = SmallConvnet.Write(folder["backbone.onnx"], 48, 48, seed: 3);
        using var graph = OnnxGraphModule.Load(backbone.Model.Path, backbone.Model.InputName, backbone.Model.OutputName);
        manual_seed(5);
        using var head = new ClassifierHead(128, [4], 2, 0);
        var path = folder["network.onnx"];
        NetworkExport.Write(graph, head.DenseLayers, path, [1, 128], flips);
        Assert.Equal(sha256, Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path))));
    }
}
