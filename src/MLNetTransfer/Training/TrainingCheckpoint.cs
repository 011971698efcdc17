using System.Text.Json;
using MLNetTransfer.Core;

namespace MLNetTransfer.Training;

/// <summary>
/// The state written after every epoch so an interrupted run can continue: the position (phase, epoch), the best score
/// so far and the history, with the network, optimizer and best weights in binary files beside it.
/// </summary>
internal sealed record TrainingCheckpoint(int Phase, int EpochsDoneInPhase, int Epoch, double[]? BestScore, int BestEpoch, int EpochsSinceBest, IReadOnlyList<EpochReport> History)
{
    public const string StateFile = "state.json";

    static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    /// <summary>The network's weights as of this state.</summary>
    public string NetworkFile(string folder) => Path.Combine(folder, $"network.epoch{Epoch}.bin");

    /// <summary>The optimizer's state as of this state.</summary>
    public string OptimizerFile(string folder) => Path.Combine(folder, $"optimizer.epoch{Epoch}.bin");

    /// <summary>The best weights so far, saved at the best epoch.</summary>
    public string BestFile(string folder) => Path.Combine(folder, $"best.epoch{BestEpoch}.bin");

    public static TrainingCheckpoint? Read(string folder)
    {
        var path = Path.Combine(folder, StateFile);
        return File.Exists(path) ? JsonSerializer.Deserialize<TrainingCheckpoint>(File.ReadAllText(path), Json) : null;
    }

    /// <summary>
    /// Writes the binaries under names of their own epoch, then the state through a temporary file, then removes older
    /// binaries: killed at any point, the state file describes complete binaries of one epoch.
    /// </summary>
    public void Write(string folder, Action<string> saveNetwork, Action<string> saveOptimizer, Action<string>? saveBest)
    {
        Directory.CreateDirectory(folder);
        AtomicFile.Write(NetworkFile(folder), saveNetwork);
        AtomicFile.Write(OptimizerFile(folder), saveOptimizer);
        if (saveBest is not null) AtomicFile.Write(BestFile(folder), saveBest);
        AtomicFile.WriteText(Path.Combine(folder, StateFile), JsonSerializer.Serialize(this, Json));
        var current = new[] { NetworkFile(folder), OptimizerFile(folder), BestFile(folder) }.Select(Path.GetFileName).ToHashSet();
        foreach (var file in Directory.EnumerateFiles(folder, "*.bin*"))
            if (!current.Contains(Path.GetFileName(file))) File.Delete(file);
    }
}
