using System.ComponentModel;

namespace MLNetTransfer.Experiments;

/// <summary>Where the images are and how they are split. Either <see cref="Root"/> with <see cref="Split"/>, or
/// separate <see cref="Train"/>, <see cref="Validation"/> and <see cref="Test"/> folders, or <see cref="Train"/> with
/// one <see cref="HeldOut"/> folder split into validation and test.</summary>
public sealed record DatasetConfig
{
    [Description("Folder with one sub-folder of images per class (or as 'labels' says); split by 'split'.")]
    public string? Root { get; init; }

    [Description("Fractions of each class for train, validation and test (stratified, seeded). Default: 0.8/0.1/0.1.")]
    public SplitConfig? Split { get; init; }

    [Description("Training folder (one sub-folder per class), instead of root + split.")]
    public string? Train { get; init; }

    [Description("Validation folder, with train and test.")]
    public string? Validation { get; init; }

    [Description("Test folder, with train and validation.")]
    public string? Test { get; init; }

    [Description("With train, instead of validation and test folders: one folder split into both, stratified and seeded.")]
    public HeldOutConfig? HeldOut { get; init; }

    [Description("Where each image's class comes from: \"folders\" (the name of its folder, one sub-folder per class), or an object with fileName (a regular expression on file names) or csv (a file of image and class). Default: folders.")]
    [System.Text.Json.Serialization.JsonConverter(typeof(LabelsConfigJson))]
    public LabelsConfig? Labels { get; init; }

    [Description("ignore: photos are read as stored, as ML.NET's loader does, and each one with an EXIF orientation is listed as a warning. apply: they are turned upright, in training and in model.zip (which then needs this assembly registered to load). Default: ignore.")]
    public ExifOrientationMode ExifOrientation { get; init; } = ExifOrientationMode.Ignore;

    [Description("Marks root as the generated synthetic dataset, created there when it is missing.")]
    public SyntheticDatasetConfig? Synthetic { get; init; }
}

/// <summary>What to do with the EXIF orientation phones store beside a photo's pixels.</summary>
public enum ExifOrientationMode
{
    /// <summary>Read the stored pixels (ML.NET's loader as it is; model.zip stays plain ML.NET) and warn about each such photo.</summary>
    Ignore,

    /// <summary>Turn photos upright, in training and in the saved model.</summary>
    Apply,
}
