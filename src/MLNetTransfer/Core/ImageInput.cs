namespace MLNetTransfer.Core;

/// <summary>
/// The input row of every model this framework saves: an image path and nothing else. An application that loads
/// model.zip can use a class of its own with the same property instead.
/// </summary>
public sealed class ImageInput
{
    /// <summary>Path of the image file, absolute or relative to the working folder.</summary>
    public string ImagePath { get; set; } = "";
}
