using System.ComponentModel;
using Microsoft.ML;
using MLNetTransfer.Core;
using MLNetTransfer.Data;
using MLNetTransfer.Experiments;
using MLNetTransfer.Pipelines.Augmentation;
using Spectre.Console;
using Spectre.Console.Cli;

namespace MLNetTransfer.Cli.Commands.Augment;

/// <summary><c>mlnet-transfer augment preview &lt;config&gt; [--image FILE] [-n 9]</c>.</summary>
public sealed class PreviewCommand(IAnsiConsole console) : GuardedCommand<PreviewCommand.Settings>(console)
{
    public sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "<config>")]
        [Description("An experiment config with an augmentation block.")]
        public string Config { get; init; } = "";

        [CommandOption("--image <FILE>")]
        [Description("The image to augment. Default: the first image of the config's dataset.")]
        public string? Image { get; init; }

        [CommandOption("-n|--count <COUNT>")]
        [Description("Tiles in the grid, the original included.")]
        [DefaultValue(9)]
        public int Count { get; init; } = 9;

        [CommandOption("--out <FILE>")]
        [Description("The PNG to write.")]
        [DefaultValue("augmentation-preview.png")]
        public string Out { get; init; } = "augmentation-preview.png";

        public override ValidationResult Validate() =>
            Count is < 1 or > 100 ? ValidationResult.Error("--count must be between 1 and 100") : ValidationResult.Success();
    }

    protected override int Run(Settings settings, CancellationToken cancellation)
    {
        var definition = ExperimentConfigReader.Read(settings.Config);
        var augmentation = definition.Config.Augmentation
            ?? throw new ConfigException(settings.Config, "augmentation", "the config has no augmentation block to preview");
        var image = settings.Image ?? FirstImage(definition);
        if (!File.Exists(image)) throw new DataException($"image not found: {image}");

        var scratch = Directory.CreateTempSubdirectory("mlnet-transfer-preview");
        try
        {
            var backbone = BackboneSetup.Place(definition, scratch.FullName);
            AugmentationPreview.Write(new MLContext(definition.Config.Seed), backbone, Path.GetFullPath(image), augmentation,
                definition.Config.Seed, settings.Out, settings.Count);
        }
        finally
        {
            scratch.Delete(recursive: true);
        }
        Console.WriteLine($"wrote {Path.GetFullPath(settings.Out)}");
        return ExitCodes.Success;
    }

    static string FirstImage(ExperimentDefinition definition)
    {
        var dataset = definition.Config.Dataset;
        var folder = definition.Resolve(dataset.Root ?? dataset.Train!);
        if (!Directory.Exists(folder)) throw new ConfigException(definition.ConfigPath, "dataset", $"folder not found: {folder}; pass --image");
        return ImageFolder.Scan(folder).Images[0].Path;
    }
}
