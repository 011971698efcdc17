using MLNetTransfer.Training;

namespace MLNetTransfer.Experiments;

/// <summary>A network run's settings with the mode's defaults filled in (<see cref="ModeDefaults.NetworkOf"/>): nothing optional left.</summary>
/// <param name="HiddenUnits">Widths of the head's hidden dense layers.</param>
/// <param name="Dropout">Dropout before each dense layer.</param>
/// <param name="Training">Phases (every one named, with its freezing plan), batch size, loss, precision, memory.</param>
internal sealed record NetworkSettings(IReadOnlyList<int> HiddenUnits, double Dropout, TrainingSettings Training);
