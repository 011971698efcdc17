using System.Text.Json.Serialization;

namespace MLNetTransfer.Training;

/// <summary>Optimizers a training phase can use.</summary>
public enum OptimizerKind
{
    /// <summary>Stochastic gradient descent with momentum (<see cref="TrainingPhase.Momentum"/>).</summary>
    Sgd,
    Adam,
    /// <summary>Adam with decoupled weight decay.</summary>
    [JsonStringEnumMemberName("adamw")]
    AdamW,
}
