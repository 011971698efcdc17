using System.Text.Json;

namespace MLNetTransfer.Training;

/// <summary>
/// The state written after every epoch so an interrupted run can continue: the position (phase, epoch), the best score
/// so far and the history, with the network, optimizer and best weights in binary files beside it.
/// </summary>
public sealed record TrainingCheckpoint(int Phase, int EpochsDoneInPhase, int Epoch, double[]? BestScore, int BestEpoch, int EpochsSinceBest, IReadOnlyList<EpochReport> History)
{
    public const string StateFile = "state.json";
    public const string NetworkFile = "network.bin";
    public const string OptimizerFile = "optimizer.bin";
    public const string BestFile = "best.bin";

    static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static TrainingCheckpoint? Read(string folder)
    {
        var path = Path.Combine(folder, StateFile);
        return File.Exists(path) ? JsonSerializer.Deserialize<TrainingCheckpoint>(File.ReadAllText(path), Json) : null;
    }

    /// <summary>Writes the state last, through a temporary file, so a state file always describes complete binaries.</summary>
    public void Write(string folder, Action<string> saveNetwork, Action<string> saveOptimizer, Action<string>? saveBest)
    {
        Directory.CreateDirectory(folder);
        void Replace(string name, Action<string> save)
        {
            var target = Path.Combine(folder, name);
            save(target + ".partial");
            File.Move(target + ".partial", target, overwrite: true);
        }
        Replace(NetworkFile, saveNetwork);
        Replace(OptimizerFile, saveOptimizer);
        if (saveBest is not null) Replace(BestFile, saveBest);
        Replace(StateFile, path => File.WriteAllText(path, JsonSerializer.Serialize(this, Json)));
    }
}
