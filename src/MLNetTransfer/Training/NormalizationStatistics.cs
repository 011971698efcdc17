namespace MLNetTransfer.Training;

/// <summary>What the BatchNormalization layers a phase trains normalise by.</summary>
public enum NormalizationStatistics
{
    /// <summary>Each batch's mean and variance, which also update the stored statistics (torch's training mode).</summary>
    Batch,
    /// <summary>The stored statistics, left unchanged; the layers' scale and shift still learn (Keras' inference mode).</summary>
    Stored,
}
