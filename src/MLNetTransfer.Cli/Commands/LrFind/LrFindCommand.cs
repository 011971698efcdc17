using System.ComponentModel;
using MLNetTransfer.Cli.Rendering;
using MLNetTransfer.Experiments;
using MLNetTransfer.Training;
using Spectre.Console;
using Spectre.Console.Cli;

namespace MLNetTransfer.Cli.Commands.LrFind;

/// <summary>
/// <c>mlnet-transfer lr-find &lt;config&gt;</c>: the loss of an exponential learning-rate sweep over the config's first
/// phase, plotted, and the rate it suggests; nothing is trained.
/// </summary>
public sealed class LrFindCommand(IAnsiConsole console) : GuardedCommand<LrFindCommand.Settings>(console)
{
    public sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "<config>")]
        [Description("An experiment config of a network mode (frozen-base, fine-tune, from-scratch).")]
        public string Config { get; init; } = "";

        [CommandOption("--steps <N>")]
        [Description("Batches in the sweep, over the training images as many times as it takes.")]
        [DefaultValue(200)]
        public int Steps { get; init; } = 200;

        [CommandOption("--start <RATE>")]
        [Description("The first batch's learning rate.")]
        [DefaultValue(1e-7)]
        public double Start { get; init; } = 1e-7;

        [CommandOption("--end <RATE>")]
        [Description("The last batch's learning rate; the sweep stops before it once the loss passes 4 times its lowest.")]
        [DefaultValue(10.0)]
        public double End { get; init; } = 10;

        public LearningRateSweepOptions Options => new() { Steps = Steps, StartRate = Start, EndRate = End };

        // The options' own rules, each said with the flag's name.
        public override ValidationResult Validate()
        {
            try
            {
                Options.Validate();
                return ValidationResult.Success();
            }
            catch (ArgumentOutOfRangeException e)
            {
                var flag = e.ParamName switch { nameof(LearningRateSweepOptions.StartRate) => "--start", nameof(LearningRateSweepOptions.EndRate) => "--end", _ => "--steps" };
                return ValidationResult.Error($"{flag} {e.Message.Split(" (Parameter")[0]}");
            }
        }
    }

    protected override int Run(Settings settings, CancellationToken cancellation)
    {
        var definition = ExperimentConfigReader.Read(settings.Config);
        var (folder, sweep) = ProgressDisplay.Show(Console, progress => LearningRateFinder.Run(definition, settings.Options, progress, cancellation));
        var phase = definition.Resolved.Record.Training!.PhasesToRun[0];
        Console.MarkupLineInterpolated($"{sweep.Points.Count} steps from {sweep.Points[0].Rate:0.0e0} to {sweep.Points[^1].Rate:0.0e0}{(sweep.Diverged ? ", stopped where the loss diverged" : "")}; the lowest smoothed loss was at {sweep.MinimumRate:0.0e0}");
        Console.MarkupLineInterpolated($"[bold]suggested learning rate: {sweep.Suggested:0.0e0}[/] (valley: 45% of the way down the longest fall of the loss) for phase '{phase.Name}', whose config says {phase.LearningRate:0.0e0}");
        Console.MarkupLineInterpolated($"plot: {Path.Combine(folder, LearningRateSweep.PictureFile)}");
        return ExitCodes.Success;
    }
}
