namespace MLNetTransfer.Data;

/// <summary>An image file and the class it belongs to.</summary>
/// <param name="Path">Absolute path of the image.</param>
/// <param name="Label">The class: the name of the folder the image is in, or as the dataset's <see cref="LabelSource"/> reads it.</param>
/// <param name="Bytes">File size, for the dataset's fingerprint.</param>
/// <param name="Warning">Why the image is used but may not be seen as a person sees it (EXIF orientation); null for most.</param>
public sealed record LabeledImage(string Path, string Label, long Bytes, string? Warning = null);
