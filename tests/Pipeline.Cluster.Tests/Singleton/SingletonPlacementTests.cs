using Pipeline.Cluster.Addressing;
using Pipeline.Cluster.Membership;
using Pipeline.Cluster.Singleton;

namespace Pipeline.Cluster.Tests.Singleton;

public sealed class SingletonPlacementTests
{
    private static Member M(int port, MemberStatus status, long upNumber, params string[] roles) => new()
    {
        Node = new UniqueAddress(new NodeAddress("sys", "127.0.0.1", port), port),
        Status = status, UpNumber = upNumber, Roles = roles,
        StartedAt = DateTimeOffset.UnixEpoch, IAmAliveAt = DateTimeOffset.UnixEpoch, StatusChangedAt = DateTimeOffset.UnixEpoch,
    };

    [Fact]
    public void The_oldest_up_member_with_the_role_runs_it()
    {
        var members = new[] { M(1, MemberStatus.Up, 5), M(2, MemberStatus.Up, 7, "w"), M(3, MemberStatus.Up, 6, "w") };

        Assert.Equal(members[0].Node, SingletonPlacement.Oldest(members, null)!.Node);
        Assert.Equal(members[2].Node, SingletonPlacement.Oldest(members, "w")!.Node);
        Assert.True(SingletonPlacement.MayRun(members, members[2].Node, "w", out _));
        Assert.False(SingletonPlacement.MayRun(members, members[1].Node, "w", out _));
        Assert.Null(SingletonPlacement.Oldest(members, "gpu"));
    }

    [Theory]
    [InlineData(MemberStatus.Leaving, false)]
    [InlineData(MemberStatus.Down, false)]
    [InlineData(MemberStatus.Exiting, true)]
    [InlineData(MemberStatus.Removed, true)]
    public void The_next_oldest_waits_until_the_previous_one_handed_over_or_was_removed(MemberStatus previous, bool mayRun)
    {
        var members = new[] { M(1, previous, 5), M(2, MemberStatus.Up, 7) };

        Assert.Equal(mayRun, SingletonPlacement.MayRun(members, members[1].Node, null, out var blocker));
        Assert.Equal(mayRun ? null : members[0], blocker);
    }

    [Fact]
    public void A_joining_member_is_never_the_oldest()
    {
        var members = new[] { M(1, MemberStatus.Joining, 0), M(2, MemberStatus.Up, 9) };

        Assert.True(SingletonPlacement.MayRun(members, members[1].Node, null, out _));
    }
}
