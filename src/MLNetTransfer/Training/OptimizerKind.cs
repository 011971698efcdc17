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
    /// <summary>RMSprop as Keras defines it (the book's optimizer): decay 0.9, epsilon 1e-7, no momentum.</summary>
    [JsonStringEnumMemberName("rmsprop")]
    RmsProp,
}
