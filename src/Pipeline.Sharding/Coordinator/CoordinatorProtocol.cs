using Pipeline.Runtime.Actors;
using Pipeline.Sharding.Allocation;

namespace Pipeline.Sharding.Coordinator;

/// <summary>
/// The messages between regions and the coordinator (Akka's ShardCoordinator.Internal): all serializable records
/// holding only ids and actor refs, so that they work unchanged across nodes.
/// </summary>
public static class CoordinatorProtocol
{
    /// <summary>A region that hosts shards announces itself; answered with <see cref="RegisterAck"/>.</summary>
    public sealed record Register(IActorRef Region);

    /// <summary>A proxy (routes, hosts nothing) announces itself; answered with <see cref="RegisterAck"/>.</summary>
    public sealed record RegisterProxy(IActorRef Proxy);

    /// <summary>The coordinator accepted the registration; regions watch <see cref="Coordinator"/> and register again if it dies.</summary>
    public sealed record RegisterAck(IActorRef Coordinator);

    /// <summary>Where does this shard live? Answered with <see cref="ShardHome"/> (deferred while the shard is handing off).</summary>
    public sealed record GetShardHome(string ShardId);

    /// <summary>The shard lives in <see cref="Region"/>; a region that receives its own ref starts the shard.</summary>
    public sealed record ShardHome(string ShardId, IActorRef Region);

    /// <summary>A region reports its load for the load-aware strategy.</summary>
    public sealed record RegionLoadReport(IActorRef Region, RegionLoad Load);

    /// <summary>A region asks to have all its shards handed off before it stops.</summary>
    public sealed record GracefulShutdownRequest(IActorRef Region);
}
