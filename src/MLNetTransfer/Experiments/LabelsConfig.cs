using System.ComponentModel;
using MLNetTransfer.Data;

namespace MLNetTransfer.Experiments;

/// <summary>
/// Where each image's class comes from. With neither <see cref="FileName"/> nor <see cref="Csv"/>, the folder it is in
/// (one sub-folder per class), as before this option existed.
/// </summary>
public sealed record LabelsConfig
{
    [Description("Regular expression with one capture group, matched against each file's name (not its folders): the group is the class. For example \"^(cat|dog)\\\\.\" for Kaggle's cat.0.jpg, or \"^([A-Za-z_]+)_\\\\d+\\\\.jpg$\" for Oxford-IIIT Pet's Abyssinian_101.jpg. Every file under the folder, in any sub-folder, is a candidate; names that do not match are listed as skipped.")]
    public string? FileName { get; init; }

    [Description("CSV file of image and class with a header line, relative to this config. Its files are relative to the dataset folder, with or without their extension. Files without a row, and rows naming no file, are listed as skipped.")]
    public string? Csv { get; init; }

    [Description("With csv: the column holding each image's file. Default: file.")]
    public string FileColumn { get; init; } = "file";

    [Description("With csv: the column holding each image's class. Default: label.")]
    public string LabelColumn { get; init; } = "label";

    /// <summary>The source these options describe; a CSV is read now.</summary>
    /// <exception cref="Core.DataException">The CSV cannot be read, or lacks a column.</exception>
    /// <exception cref="ArgumentException">The file-name pattern is not a regular expression with one group.</exception>
    internal LabelSource Source(Func<string, string> resolve) =>
        FileName is { } pattern ? new FileNameLabels(pattern)
        : Csv is { } csv ? new CsvLabels(resolve(csv), FileColumn, LabelColumn)
        : LabelSource.Folders;
}
