using MLNetTransfer.Core;
using MLNetTransfer.Data;
using MLNetTransfer.Experiments;
using MLNetTransfer.Tests.Support;

namespace MLNetTransfer.Tests.Data;

/// <summary>Classes from the three layouts users' photos come in: class folders, file names, and a CSV.</summary>
public sealed class LabelSourceTests : IDisposable
{
    readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    static IReadOnlyDictionary<string, string> Labels(ImageFolder scanned) =>
        scanned.Images.ToDictionary(i => Path.GetFileName(i.Path), i => i.Label);

    static string ReasonFor(ImageFolder scanned, string path) => Assert.Single(scanned.Skipped, s => s.Path == path).Reason;

    [Fact]
    public void Kaggle_file_names_give_the_classes_in_any_folder_and_names_that_do_not_match_are_listed()
    {
        foreach (var name in new[] { "cat.0.png", "cat.1.png", "dog.0.png", "dog.1.png", "more/dog.2.png" }) folder.Image("train/" + name);
        var notes = folder.Image("train/notes.png");
        var readme = folder.Write("train/README.md", "photos\n");
        folder.Write("train/runs/old/run.json", "{}");

        var scanned = ImageFolder.Scan(folder["train"], runMarkers: ["run.json"], labels: new FileNameLabels(@"^(cat|dog)\."));

        Assert.Equal(["cat", "dog"], scanned.Classes);
        Assert.Equal(new Dictionary<string, string> { ["cat.0.png"] = "cat", ["cat.1.png"] = "cat", ["dog.0.png"] = "dog", ["dog.1.png"] = "dog", ["dog.2.png"] = "dog" },
            Labels(scanned));
        Assert.Equal(@"the file name does not match ^(cat|dog)\.", ReasonFor(scanned, notes));
        Assert.Equal(@"the file name does not match ^(cat|dog)\.", ReasonFor(scanned, readme));
        Assert.Equal(ImageFolder.RunOutputReason, ReasonFor(scanned, folder["train/runs"]));
    }

    [Fact]
    public void Oxford_pet_names_give_breeds_with_underscores_and_a_bad_file_is_still_checked()
    {
        foreach (var name in new[] { "Abyssinian_1.png", "Abyssinian_2.png", "British_Shorthair_1.png", "british_shorthair_9.png", "beagle_3.png" }) folder.Image("pets/" + name);
        var damaged = folder.Write("pets/beagle_4.png", "not a picture");

        var scanned = ImageFolder.Scan(folder["pets"], labels: new FileNameLabels(@"^([A-Za-z_]+)_\d+\.png$"));

        Assert.Equal(["Abyssinian", "British_Shorthair", "beagle", "british_shorthair"], scanned.Classes);
        Assert.Equal("British_Shorthair", Labels(scanned)["British_Shorthair_1.png"]);
        Assert.StartsWith("not a decodable image", ReasonFor(scanned, damaged));
    }

    [Fact]
    public void A_pattern_needs_exactly_one_group_and_a_class_whose_files_are_all_bad_is_named()
    {
        Assert.Contains("exactly one capture group", Assert.Throws<ArgumentException>(() => new FileNameLabels(@"^(cat|dog)\.(\d+)")).Message);
        Assert.Contains("exactly one capture group", Assert.Throws<ArgumentException>(() => new FileNameLabels(@"^cat")).Message);
        folder.Image("flat/cat.0.png");
        folder.Write("flat/dog.0.png", "");
        var e = Assert.Throws<DataException>(() => ImageFolder.Scan(folder["flat"], labels: new FileNameLabels(@"^(cat|dog)\.")));
        Assert.StartsWith("class 'dog' has no usable images", e.Message);
        folder.Image("one/cat.0.png");
        Assert.Contains("give 1 class(es) (cat)", Assert.Throws<DataException>(() => ImageFolder.Scan(folder["one"], labels: new FileNameLabels(@"^(cat|dog)\."))).Message);
    }

    [Fact]
    public void A_csv_gives_the_classes_and_lists_files_without_a_row_rows_without_a_file_and_second_rows()
    {
        foreach (var name in new[] { "000bec.jpg", "001513.png", "sub/00290d.png", "003df8.png" }) folder.Image("breeds/train/" + name);
        var unlisted = folder.Image("breeds/train/ffffff.png");
        var csv = folder.Write("breeds/labels.csv", """
            id,breed,source
            000bec,boston_bull,a
            001513.png,dingo,b
            sub/00290d.png,"boston_bull",c
            003df8.png,,d
            0042188,pekinese,e
            001513.png,pug,f

            """.Replace("\r\n", "\n"));

        var labels = new CsvLabels(csv, fileColumn: "id", labelColumn: "breed");
        var scanned = ImageFolder.Scan(folder["breeds/train"], labels: labels);

        Assert.Equal(["boston_bull", "dingo"], scanned.Classes);
        Assert.Equal(new Dictionary<string, string> { ["000bec.jpg"] = "boston_bull", ["001513.png"] = "dingo", ["00290d.png"] = "boston_bull" }, Labels(scanned));
        Assert.Equal("no row in labels.csv", ReasonFor(scanned, unlisted));
        Assert.Equal("its row (line 5 of labels.csv) has an empty class", ReasonFor(scanned, folder["breeds/train/003df8.png"]));
        Assert.Equal([(csv + ":7", "a second row for 001513.png (the first is line 3); the first is used"), (csv + ":6", $"names 0042188, which is not in {folder["breeds/train"]}")],
            labels.RowProblems([folder["breeds/train"]]).Select(p => (p.Path, p.Reason)));
    }

    [Fact]
    public void A_config_with_csv_labels_loads_train_and_held_out_folders_from_one_csv()
    {
        var rows = new List<string> { "file,label" };
        foreach (var set in new[] { "train", "held" })
            for (var i = 0; i < 4; i++)
                foreach (var label in new[] { "cat", "dog" })
                {
                    folder.Image($"{set}/{set}-{label}{i}.png");
                    rows.Add($"{set}-{label}{i}.png,{label}");
                }
        rows.Add("typo.png,cat");
        folder.Write("labels.csv", string.Join('\n', rows) + "\n");
        var config = folder.Write("config.json", """
            { "name": "csv", "dataset": { "train": "train", "heldOut": { "root": "held", "validation": 4, "test": 4 }, "labels": { "csv": "labels.csv" } } }
            """);

        var split = DatasetLoader.Load(ExperimentConfigReader.Read(config));

        Assert.Equal(["cat", "dog"], split.Classes);
        Assert.Equal((8, 4, 4), (split.Train.Count, split.Validation.Count, split.Test.Count));
        Assert.All(split.All, a => Assert.EndsWith(a.Image.Label, Path.GetFileNameWithoutExtension(a.Image.Path)[..^1]));
        var typo = Assert.Single(split.Skipped);
        Assert.Equal(folder["labels.csv"] + ":18", typo.Path);
        Assert.StartsWith("names typo.png, which is not in ", typo.Reason);
    }

    ConfigException Invalid(string labels)
    {
        folder.Image("photos/cat.0.png");
        folder.Write("photos/labels.csv", "file,breed\ncat.0.png,cat\n");
        var config = folder.Write("bad.json", $$"""{ "name": "x", "dataset": { "root": "photos", "labels": {{labels}} } }""");
        return Assert.Throws<ConfigException>(() => ExperimentConfigReader.Read(config));
    }

    [Fact]
    public void The_validator_names_the_labels_field_and_suggests_what_was_meant()
    {
        var column = Invalid("""{ "csv": "photos/labels.csv", "labelColumn": "bread" }""");
        Assert.Equal("dataset.labels.labelColumn", column.Field);
        Assert.Contains("has no column 'bread'; did you mean 'breed'? Its columns: file, breed", column.Message);

        var groups = Invalid("""{ "fileName": "^cat" }""");
        Assert.Equal("dataset.labels.fileName", groups.Field);
        Assert.Contains("needs exactly one capture group, the class (it has 0)", groups.Message);

        Assert.Contains("is not a regular expression", Invalid("""{ "fileName": "^(cat" }""").Message);
        Assert.Contains("give either fileName (a pattern) or csv (a file), not both", Invalid("""{ "fileName": "^(cat)", "csv": "photos/labels.csv" }""").Message);
        Assert.Equal("dataset.labels.csv", Invalid("""{ "csv": "labels.csv" }""").Field);
        Assert.Contains("applies to csv only", Invalid("""{ "fileName": "^(cat)", "fileColumn": "id" }""").Message);

        var misspelt = Invalid("""{ "filename": "^(cat)" }""");
        Assert.Equal("dataset.labels.filename", misspelt.Field);
        Assert.Contains("did you mean 'fileName'?", misspelt.Message);

        var word = Invalid("\"folder\"");
        Assert.Equal("dataset.labels", word.Field);
        Assert.Contains("'folder' is not a label source: write \"folders\", { \"fileName\": \"<pattern>\" } or { \"csv\": \"<file>\" }", word.Message);
    }

    [Fact]
    public void Labels_folders_written_out_reads_as_class_folders_and_config_json_says_so()
    {
        folder.Image("photos/cat/1.png");
        folder.Image("photos/cat/2.png");
        folder.Image("photos/dog/1.png");
        folder.Image("photos/dog/2.png");
        var config = folder.Write("folders.json", """{ "name": "x", "dataset": { "root": "photos", "labels": "folders", "split": { "train": 0.5, "validation": 0, "test": 0.5 } } }""");

        var definition = ExperimentConfigReader.Read(config);

        Assert.Equal(LabelSource.Folders, definition.Config.Dataset.Labels!.Source(p => p));
        Assert.Equal(["cat", "dog"], DatasetLoader.Load(definition).Classes);
        Assert.Contains("\"labels\": \"folders\"", System.Text.Json.JsonSerializer.Serialize(definition.Resolved.Record, ConfigJson.Options));
    }
}
