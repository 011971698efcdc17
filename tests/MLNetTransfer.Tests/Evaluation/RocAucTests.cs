using MLNetTransfer.Evaluation;

namespace MLNetTransfer.Tests.Evaluation;

public class RocAucTests
{
    [Fact]
    public void Perfect_ranking_is_one_and_reversed_is_zero()
    {
        Assert.Equal(1.0, ClassifierEvaluator.RocAuc([(0.1f, false), (0.2f, false), (0.8f, true), (0.9f, true)]));
        Assert.Equal(0.0, ClassifierEvaluator.RocAuc([(0.9f, false), (0.8f, false), (0.2f, true), (0.1f, true)]));
    }

    [Fact]
    public void Ties_count_half_and_pairs_are_counted_exactly()
    {
        // Pairs (positive, negative): (0.5,0.5) tie = 0.5, (0.5,0.2) = 1, (0.9,0.5) = 1, (0.9,0.2) = 1 -> 3.5 / 4.
        Assert.Equal(0.875, ClassifierEvaluator.RocAuc([(0.5f, true), (0.9f, true), (0.5f, false), (0.2f, false)]));
        Assert.Null(ClassifierEvaluator.RocAuc([(0.5f, true), (0.9f, true)]));
    }
}
