using System.ComponentModel;
using Spectre.Console.Cli;

namespace MLNetTransfer.Cli.Commands;

/// <summary>Settings of the verbs that work on a finished run folder.</summary>
public class RunSettings : CommandSettings
{
    [CommandArgument(0, "<run>")]
    [Description("A run folder written by train, e.g. runs/quickstart/20261127-120000.")]
    public string Run { get; init; } = "";
}
