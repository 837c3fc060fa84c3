using Pipeline.Sharding.Allocation;

namespace Pipeline.Sharding.Tests.Allocation;

public sealed class LeastShardAllocationStrategyTests
{
    private static RegionAllocation R(string id, params string[] shards) => new(id, shards);

    [Fact]
    public void Allocates_to_the_region_with_fewest_shards_preferring_the_requester_on_ties()
    {
        var s = new LeastShardAllocationStrategy();
        var current = new[] { R("a", "1", "2"), R("b", "3"), R("c", "4") };
        Assert.Equal("b", s.Allocate(null, "9", current));
        Assert.Equal("c", s.Allocate("c", "9", current));
        Assert.Equal("b", s.Allocate("a", "9", current));
        Assert.Throws<InvalidOperationException>(() => s.Allocate("a", "9", []));
    }

    [Theory]
    // difference = most - least; moves = min(difference - threshold, threshold, max - inProgress)
    [InlineData(1, 3, 2, 1, 0)] // 2 vs 1: difference 1 >= 1 but 1 - 1 = 0 moves
    [InlineData(1, 3, 3, 1, 1)] // difference 2 -> min(1, 1, 3) = 1
    [InlineData(3, 3, 4, 1, 0)] // difference 3 -> min(0, 3, 3) = 0
    [InlineData(3, 3, 10, 0, 3)] // difference 10 -> min(7, 3, 3) = 3
    [InlineData(3, 2, 10, 0, 2)] // capped by max simultaneous
    [InlineData(2, 3, 3, 2, 0)] // difference 1 < threshold 2
    public void Rebalance_follows_the_threshold_and_simultaneous_limit(int threshold, int maxSimultaneous, int most, int least, int expectedMoves)
    {
        var s = new LeastShardAllocationStrategy(threshold, maxSimultaneous);
        var current = new[]
        {
            R("a", Enumerable.Range(0, most).Select(i => "a" + i).ToArray()),
            R("b", Enumerable.Range(0, least).Select(i => "b" + i).ToArray()),
        };
        var moves = s.Rebalance(current, new HashSet<string>());
        var expectedShards = Enumerable.Range(0, most).Select(i => "a" + i).Order(StringComparer.Ordinal).Take(expectedMoves);
        Assert.Equal(expectedShards, moves.Select(m => m.ShardId));
        Assert.All(moves, m => Assert.Contains("rebalance threshold", m.Reason));
    }

    [Fact]
    public void Shards_already_moving_count_against_the_limit_and_are_not_picked_again()
    {
        var s = new LeastShardAllocationStrategy(1, 2);
        var current = new[] { R("a", "1", "2", "3", "4", "5", "6"), R("b") };
        Assert.Equal(["2"], s.Rebalance(current, new HashSet<string> { "1" }).Select(m => m.ShardId));
        Assert.Empty(s.Rebalance(current, new HashSet<string> { "1", "2" }));
    }

    [Fact]
    public void Invalid_settings_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new LeastShardAllocationStrategy(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new LeastShardAllocationStrategy(1, 0));
    }
}
