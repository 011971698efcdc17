using System.ComponentModel;

namespace MLNetTransfer.Experiments;

/// <summary>
/// One folder split into the validation and test sets, stratified and seeded, beside a separate training folder: the
/// book's experiments train on one set of photos and validate and test on another.
/// </summary>
public sealed record HeldOutConfig
{
    [Description("Folder with one sub-folder of images per class (the train folder's classes), split into validation and test.")]
    public string Root { get; init; } = "";

    [Description("Images for validation, spread over the classes in their proportions. Default: half of the folder.")]
    public int? Validation { get; init; }

    [Description("Images for the final test, spread the same way. Default: the rest of the folder.")]
    public int? Test { get; init; }
}
