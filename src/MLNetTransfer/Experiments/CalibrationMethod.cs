namespace MLNetTransfer.Experiments;

/// <summary>How a run makes its probabilities say how often it is right. The names are the config's (<c>calibration</c>).</summary>
public enum CalibrationMethod
{
    /// <summary>The model's probabilities as trained.</summary>
    None,

    /// <summary>One temperature fitted on the validation set (<see cref="Pipelines.TemperatureScaling"/>), folded into model.zip.</summary>
    Temperature,
}
