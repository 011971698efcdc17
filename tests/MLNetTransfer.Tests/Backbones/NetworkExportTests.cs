using MLNetTransfer.Backbones.Export;
using Onnx;

namespace MLNetTransfer.Tests.Backbones;

public class NetworkExportTests
{
    [Theory]
    [InlineData(null, TestTimeAugmentation.None)]
    [InlineData("Flips", TestTimeAugmentation.Flips)]
    [InlineData("HorizontalFlip", TestTimeAugmentation.HorizontalFlip)]
    // Run folders written before the flags enum and the config's enum became one.
    [InlineData("Horizontal", TestTimeAugmentation.HorizontalFlip)]
    [InlineData("Vertical", TestTimeAugmentation.VerticalFlip)]
    [InlineData("Horizontal, Vertical", TestTimeAugmentation.Flips)]
    public void A_networks_views_are_read_from_its_metadata_old_names_included(string? written, TestTimeAugmentation expected)
    {
        var model = new ModelProto();
        if (written is not null) model.MetadataProps.Add(new StringStringEntryProto { Key = "mlnet_transfer.test_time_flips", Value = written });
        Assert.Equal(expected, NetworkExport.Flips(model));
    }

    [Fact]
    public void Each_setting_has_its_views_the_image_first()
    {
        Assert.Equal([[]], TestTimeAugmentation.None.Views());
        Assert.Equal([[], [3L]], TestTimeAugmentation.HorizontalFlip.Views());
        Assert.Equal([[], [2L]], TestTimeAugmentation.VerticalFlip.Views());
        Assert.Equal([[], [3L], [2L], [2L, 3L]], TestTimeAugmentation.Flips.Views());
    }
}
