using MLNetTransfer.Core;
using MLNetTransfer.Data;
using MLNetTransfer.Tests.Support;

namespace MLNetTransfer.Tests.Data;

/// <summary>The three layouts users keep their photos in are each recognised, with the classes, counts and bad files.</summary>
public sealed class DatasetSurveyTests : IDisposable
{
    readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    [Fact]
    public void One_folder_of_files_named_by_class_is_read_by_file_name_and_a_damaged_file_is_left_out()
    {
        // Kaggle's Dogs vs. Cats download: cat.0.png ... dog.3.png, one of them damaged.
        for (var i = 0; i < 4; i++)
        {
            folder.Image($"train/cat.{i}.png");
            folder.Image($"train/dog.{i}.png");
        }
        File.WriteAllText(folder["train/dog.3.png"], "not a picture");

        var survey = DatasetSurvey.Of(folder["train"]);

        Assert.Equal(DatasetSurvey.FileNameLayout, survey.Layout);
        Assert.Contains("start with a class and end with a number", survey.Why);
        Assert.Equal(new Dictionary<string, int> { ["cat"] = 4, ["dog"] = 3 }, survey.Counts);
        var damaged = Assert.Single(survey.Scanned.Skipped);
        Assert.Equal(folder["train/dog.3.png"], damaged.Path);
        Assert.StartsWith("not a decodable image", damaged.Reason);
    }

    [Fact]
    public void Images_beside_a_csv_of_ids_and_classes_are_read_by_the_csv_with_the_class_column_found_by_name()
    {
        // Kaggle's dog breeds: ids without extension, a breed column, and another column of repeated values before it.
        var rows = new List<string> { "id,source,breed" };
        for (var i = 0; i < 6; i++)
        {
            folder.Image($"breeds/{i:x4}aa.png");
            rows.Add($"{i:x4}aa,{(i < 3 ? "a" : "b")},{(i % 2 == 0 ? "beagle" : "pug")}");
        }
        File.WriteAllLines(folder["breeds/labels.csv"], rows);

        var survey = DatasetSurvey.Of(folder["breeds"]);

        Assert.Equal(DatasetSurvey.CsvLayout, survey.Layout);
        var csv = Assert.IsType<CsvLabels>(survey.Labels);
        Assert.Equal(("id", "breed"), (csv.FileColumn, csv.LabelColumn));
        Assert.Equal(new Dictionary<string, int> { ["beagle"] = 3, ["pug"] = 3 }, survey.Counts);
    }

    [Fact]
    public void Class_folders_win_a_masks_folder_is_not_a_class_and_finer_classes_in_the_names_are_offered()
    {
        // The oxford-pets layout: class folders of breed-named photos, and their masks beside them.
        foreach (var (kind, breed) in new[] { ("cat", "Bengal"), ("cat", "Persian"), ("dog", "pug") })
            for (var i = 1; i <= 2; i++)
            {
                folder.Image($"pets/{kind}/{breed}_{i}.png");
                folder.Image($"pets/masks/{breed}_{i}.png");
            }

        var survey = DatasetSurvey.Of(folder["pets"]);

        Assert.Equal(DatasetSurvey.FoldersLayout, survey.Layout);
        Assert.Equal(["cat", "dog"], survey.Scanned.Classes);
        Assert.Equal(new Dictionary<string, int> { ["cat"] = 4, ["dog"] = 2 }, survey.Counts);
        Assert.Equal(folder["pets/masks"], Assert.Single(survey.Scanned.Skipped).Path);
        Assert.Contains("the file names also give 3 classes", Assert.Single(survey.Alternatives));
        // The training scan agrees: the masks are not a third class.
        Assert.Equal(["cat", "dog"], ImageFolder.Scan(folder["pets"]).Classes);
    }

    [Fact]
    public void A_folder_without_a_layout_is_refused_saying_what_each_layout_needs()
    {
        folder.Image("mixed/holiday.png");
        folder.Image("mixed/garden.png");
        var error = Assert.Throws<DataException>(() => DatasetSurvey.Of(folder["mixed"]));
        Assert.Contains("one sub-folder of images per class", error.Message);
        Assert.Contains("cat.12.jpg", error.Message);
    }
}
