using System.ComponentModel;
using MLNetTransfer.Cli.Rendering;
using MLNetTransfer.Core;
using MLNetTransfer.Data;
using MLNetTransfer.Experiments;
using Spectre.Console;
using Spectre.Console.Cli;

namespace MLNetTransfer.Cli.Commands.Datasets;

/// <summary><c>mlnet-transfer datasets synth</c>.</summary>
public sealed class SynthCommand(IAnsiConsole console) : GuardedCommand<SynthCommand.Settings>(console)
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--out <DIR>")]
        [Description("Folder to create; it must not exist.")]
        [DefaultValue("datasets/synthetic-pets")]
        public string Out { get; init; } = "datasets/synthetic-pets";

        [CommandOption("--per-class <N>")]
        [Description("Images per class.")]
        [DefaultValue(200)]
        public int PerClass { get; init; } = 200;

        [CommandOption("--size <PIXELS>")]
        [Description("Side of the square images.")]
        [DefaultValue(256)]
        public int Size { get; init; } = 256;

        [CommandOption("--classes <N>")]
        [Description("Classes to draw, 2 to 6: cat, dog, then rabbit, bear, mouse and frog.")]
        [DefaultValue(2)]
        public int Classes { get; init; } = 2;

        [CommandOption("--seed <N>")]
        [Description("Generator seed; the same seed gives the same images.")]
        [DefaultValue(1)]
        public int Seed { get; init; } = 1;

        public override ValidationResult Validate() =>
            PerClass is < 1 or > 100_000 ? ValidationResult.Error("--per-class must be between 1 and 100000")
            : Size is < 64 or > 2048 ? ValidationResult.Error("--size must be between 64 and 2048")
            : Classes < 2 || Classes > SyntheticPets.AllClasses.Count ? ValidationResult.Error($"--classes must be between 2 and {SyntheticPets.AllClasses.Count}")
            : ValidationResult.Success();
    }

    protected override int Run(Settings settings, CancellationToken cancellation)
    {
        if (Directory.Exists(settings.Out))
        {
            Console.MarkupLineInterpolated($"[red]error:[/] {settings.Out} already exists; delete it or choose another --out");
            return ExitCodes.BadInput;
        }
        var total = settings.PerClass * settings.Classes;
        ProgressDisplay.Show(Console, progress =>
        {
            SyntheticPets.Generate(settings.Out, settings.PerClass, settings.Size, settings.Seed,
                new ImmediateProgress<int>(done => progress.Report(new RunProgress("Generating images", done, total))), cancellation, settings.Classes);
            return 0;
        });
        Console.MarkupLineInterpolated($"wrote {total} images and {SyntheticPets.BoxesFile} to {Path.GetFullPath(settings.Out)}");
        return ExitCodes.Success;
    }
}
