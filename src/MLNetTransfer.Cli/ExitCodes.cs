namespace MLNetTransfer.Cli;

/// <summary>Process exit codes.</summary>
public static class ExitCodes
{
    public const int Success = 0;
    /// <summary>Something failed that the user's input does not explain.</summary>
    public const int Failure = 1;
    /// <summary>The user's input is wrong: a config field, a data folder, a run folder, an argument.</summary>
    public const int BadInput = 2;
    /// <summary>Cancelled with Ctrl-C.</summary>
    public const int Cancelled = 130;
}
