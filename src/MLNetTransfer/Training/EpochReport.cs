namespace MLNetTransfer.Training;

/// <summary>What one epoch did: the row of <c>history.csv</c> and of the progress display.</summary>
/// <param name="Phase">The phase's name.</param>
/// <param name="Epoch">1-based, counted over the whole run.</param>
/// <param name="TrainLoss">Mean cross-entropy (with label smoothing) over the epoch's batches.</param>
/// <param name="TrainAccuracy">Share of training images classified right during the epoch (in training mode).</param>
/// <param name="ValidationLoss">Mean cross-entropy on the validation set after the epoch; null without one.</param>
/// <param name="ValidationAccuracy">Accuracy on the validation set after the epoch; null without one.</param>
/// <param name="LearningRate">The rate at the epoch's last step.</param>
/// <param name="Seconds">Wall time of the epoch, validation included.</param>
/// <param name="Best">Whether this epoch's weights are the best so far (kept for the final model).</param>
public sealed record EpochReport(string Phase, int Epoch, double TrainLoss, double TrainAccuracy, double? ValidationLoss,
    double? ValidationAccuracy, double LearningRate, double Seconds, bool Best);
