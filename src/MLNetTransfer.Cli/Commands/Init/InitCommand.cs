using System.ComponentModel;
using MLNetTransfer.Core;
using MLNetTransfer.Data;
using MLNetTransfer.Experiments;
using Spectre.Console;
using Spectre.Console.Cli;

namespace MLNetTransfer.Cli.Commands.Init;

/// <summary>
/// <c>mlnet-transfer init &lt;image folder&gt;</c>: looks at a folder of images and writes a config that trains on it,
/// saying what it found and why it chose what it wrote.
/// </summary>
public sealed class InitCommand(IAnsiConsole console) : GuardedCommand<InitCommand.Settings>(console)
{
    public sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "<folder>")]
        [Description("The image folder: one sub-folder per class, image files named by class (cat.12.jpg), or images with a CSV of file and class.")]
        public string Folder { get; init; } = "";

        [CommandOption("--mode <MODE>")]
        [Description("feature-extraction, frozen-base, fine-tune or from-scratch. Default: suggested by the dataset's size.")]
        public string? Mode { get; init; }

        [CommandOption("-o|--out <FILE>")]
        [Description("The config file to write; never overwritten. Default: <folder name>.json in the current folder.")]
        public string? Out { get; init; }
    }

    // A long list of left-out files (every mask of a dataset read by file name, say) is summed up after these.
    const int Listed = 10;

    protected override int Run(Settings settings, CancellationToken cancellation)
    {
        TrainingMode? mode = settings.Mode is null ? null
            : Enum.GetValues<TrainingMode>().Where(m => ConfigJson.Name(m) == settings.Mode).Cast<TrainingMode?>().FirstOrDefault()
              ?? throw new DataException($"--mode {settings.Mode} is not a mode; the modes are {string.Join(", ", ConfigJson.Names(typeof(TrainingMode)))}");
        var path = Path.GetFullPath(settings.Out ?? Path.GetFileName(Path.GetFullPath(settings.Folder).TrimEnd(Path.DirectorySeparatorChar)) + ".json");
        ConfigDraft.EnsureNew(path);
        var survey = Console.Status().Start($"Looking at {settings.Folder}", _ => DatasetSurvey.Of(settings.Folder));

        var table = new Table().AddColumns("class", "photos");
        foreach (var (name, count) in survey.Counts) table.AddRow(Markup.Escape(name), count.ToString("N0", System.Globalization.CultureInfo.InvariantCulture));
        Console.MarkupLineInterpolated($"{survey.Root}: {survey.Scanned.Classes.Count} classes, {survey.Scanned.Images.Count:N0} usable photos");
        Console.Write(table);
        var skipped = survey.Scanned.Skipped;
        foreach (var file in skipped.Take(Listed)) Console.MarkupLineInterpolated($"[yellow]left out[/] {file.Path}: {file.Reason}");
        if (skipped.Count > Listed) Console.MarkupLineInterpolated($"[yellow]and {skipped.Count - Listed} more left out[/]; train lists them all in run.json");

        var draft = ConfigDraft.For(survey, path, mode);
        foreach (var reason in draft.Reasons.Concat(survey.Alternatives)) Console.MarkupLineInterpolated($"- {reason}");
        var schemaWritten = draft.Write(path);
        Console.MarkupLineInterpolated($"wrote {path}{(schemaWritten ? $" and {ConfigDraft.SchemaFile} beside it" : "")}");
        Console.MarkupLineInterpolated($"next: mlnet-transfer train {Path.GetRelativePath(Environment.CurrentDirectory, path)}");
        return ExitCodes.Success;
    }
}
