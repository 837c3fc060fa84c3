using System.Diagnostics;
using Pipeline.Runtime.Actors;
using Pipeline.Runtime.Patterns;
using Pipeline.Sharding.Queries;
using Pipeline.Sharding.Rebalance;
using Pipeline.Sharding.TestHost;
using Pipeline.TestKit;
using Xunit.Abstractions;

namespace Pipeline.Sharding.Tests.MultiProcess;

/// <summary>
/// Sharding across real processes: three nodes (then four, then three, then two), 100 shards, 1,000 persistent entities
/// receiving numbered streams continuously from this process (a client node with a proxy), with an end-to-end
/// protocol (the client resends what is not acknowledged; entities persist the last number, process only the next
/// one and acknowledge duplicates). One cluster goes through the scenarios one after another, with a checkpoint after
/// each: every message processed exactly once and in order, no two activations of an entity overlapping.
/// </summary>
public sealed class ShardingMultiProcessTests(ITestOutputHelper output)
{
    private const int Entities = 1000;
    private const int RebalanceThreshold = 3; // ShardingTestSetup.Strategy
    private static readonly TimeSpan RebalanceInterval = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan StartDeadline = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(45);

    [Fact]
    public async Task Shards_move_to_a_new_node_by_hand_after_a_kill_and_on_leave_while_every_entity_gets_every_message_once_in_order()
    {
        await using var cluster = new ShardingCluster(output, RebalanceInterval);
        var node1 = cluster.StartNode("node1");
        await node1.WaitUpAsync(StartDeadline); // the oldest: it runs the coordinator
        var node2 = cluster.StartNode("node2");
        var node3 = cluster.StartNode("node3");
        await Task.WhenAll(node2.WaitUpAsync(StartDeadline), node3.WaitUpAsync(StartDeadline));
        await cluster.StartClientAsync();
        await ShardingCluster.AwaitAsync(async () => (await cluster.AskAsync<CurrentRegions>(new GetCurrentRegions())).Regions.Count == 3, Deadline, "three regions registered");

        var client = cluster.System.ActorOf(StreamClient.Props(cluster.Proxy, Entities, ratePerSecond: 2000, window: 2, resendAfter: TimeSpan.FromSeconds(1)), "client");
        await ShardingCluster.AwaitAsync(async () => (await ProgressAsync(client)).Acked.All(a => a > 0), Deadline, "every entity processing its stream");
        var allocations = await cluster.AllocationsAsync();
        Assert.Equal(100, allocations.Shards.Count);
        Assert.Equal(3, ShardingCluster.ShardsByNode(allocations).Count);
        var stats = await cluster.AskAsync<ClusterShardingStats>(new GetClusterShardingStats(TestTimeouts.Dilated(TimeSpan.FromSeconds(5))));
        Assert.Equal(3, stats.Regions.Count);
        Assert.Equal(Entities, stats.Regions.Sum(r => r.Stats.Values.Sum()));
        var killed = new Dictionary<string, long>(StringComparer.Ordinal);

        // (a) a fourth node joins: the rebalance moves shards to it within two rebalance intervals
        var node4 = cluster.StartNode("node4");
        await node4.WaitUpAsync(StartDeadline);
        var joined = Stopwatch.StartNew();
        await ShardingCluster.AwaitAsync(async () => ShardingCluster.ShardsByNode(await cluster.AllocationsAsync()).ContainsKey(node4.Address),
            RebalanceInterval * 2, "shards moved to the new node within two rebalance intervals", () => DescribeAsync(cluster));
        output.WriteLine($"node4 got its first shards {joined.ElapsedMilliseconds} ms after it was up");
        await AwaitBalancedAsync(cluster, 4);
        await CheckpointAsync(cluster, client, killed, "after node4 joined and the shards were rebalanced");

        // (c) moves by hand: a dry-run plan (nothing moves), that plan applied, and a direct move
        var before = await cluster.AllocationsAsync();
        var (from, to) = Extremes(before);
        var shard = before.Shards.Where(kv => kv.Value.Equals(from)).Select(kv => kv.Key).Order(StringComparer.Ordinal).First();
        var plan = await cluster.AskAsync<RebalancePlan>(new MoveShard(shard, to, DryRun: true));
        Assert.True(plan.DryRun);
        var move = Assert.Single(plan.Moves);
        Assert.Equal((shard, from, to), (move.ShardId, move.From, move.To));
        Assert.Equal(from, (await cluster.AllocationsAsync()).Shards[shard]); // a dry run moves nothing
        foreach (var m in plan.Moves)
            Assert.False((await cluster.AskAsync<RebalancePlan>(new MoveShard(m.ShardId, m.To))).DryRun);
        await ShardingCluster.AwaitAsync(async () => (await cluster.AllocationsAsync()).Shards.TryGetValue(shard, out var r) && r.Equals(to), Deadline, $"shard {shard} applied from the dry-run plan");
        var afterPlan = await cluster.AllocationsAsync();
        (from, to) = Extremes(afterPlan);
        var second = afterPlan.Shards.Where(kv => kv.Value.Equals(from)).Select(kv => kv.Key).Order(StringComparer.Ordinal).First();
        var direct = await cluster.AskAsync<RebalancePlan>(new MoveShard(second, to));
        Assert.Equal(second, Assert.Single(direct.Moves).ShardId);
        await ShardingCluster.AwaitAsync(async () => (await cluster.AllocationsAsync()).Shards.TryGetValue(second, out var r) && r.Equals(to), Deadline, $"shard {second} moved by hand");
        var rebalancePlan = await cluster.AskAsync<RebalancePlan>(new RebalanceNow(DryRun: true));
        Assert.True(rebalancePlan.DryRun);
        Assert.Empty(rebalancePlan.Moves); // moving from the fullest to the emptiest region keeps the cluster balanced
        await CheckpointAsync(cluster, client, killed, "after the shards moved by hand");

        // (b) kill -9 the oldest node (it runs the coordinator): its shards are reallocated, the coordinator recovers
        // the allocation on the next oldest, and the remembered entities start again without any message
        await SetGeneratingAsync(client, false);
        await AwaitAllAckedAsync(client);
        var onNode1 = EndToEndChecks.ReadActivations(cluster.ActivationsDirectory, killed)
            .Where(a => a.Node == node1.Node && a.Stop == long.MaxValue).Select(a => a.EntityId).ToHashSet(StringComparer.Ordinal);
        Assert.NotEmpty(onNode1);
        var shardsOfNode1 = ShardingCluster.ShardsByNode(await cluster.AllocationsAsync())[node1.Address];
        await node1.KillAsync();
        killed[node1.Node] = DateTime.UtcNow.Ticks;
        await ShardingCluster.AwaitAsync(async () =>
        {
            var now = await cluster.AllocationsAsync();
            return now.Shards.Count == 100 && !ShardingCluster.ShardsByNode(now).ContainsKey(node1.Address) && now.InHandOff.Count == 0;
        }, Deadline, "node1's shards reallocated by the recovered coordinator", () => DescribeAsync(cluster));
        var regions = (await cluster.AskAsync<CurrentRegions>(new GetCurrentRegions())).Regions;
        Assert.Equal(3, regions.Count);
        Assert.DoesNotContain(regions, r => r.Path.Address.ToString() == node1.Address);
        await ShardingCluster.AwaitAsync(() =>
        {
            var restarted = EndToEndChecks.ReadActivations(cluster.ActivationsDirectory, killed)
                .Where(a => a.Start > killed[node1.Node]).Select(a => a.EntityId).ToHashSet(StringComparer.Ordinal);
            return Task.FromResult(onNode1.IsSubsetOf(restarted));
        }, Deadline, $"the {onNode1.Count} entities of node1's {shardsOfNode1.Count} shards started again by remember-entities (no messages were sent)");
        await SetGeneratingAsync(client, true);
        var total = (await ProgressAsync(client)).TotalAcked;
        await ShardingCluster.AwaitAsync(async () => (await ProgressAsync(client)).TotalAcked >= total + 3000, Deadline, "the streams going on after the kill");
        await CheckpointAsync(cluster, client, killed, "after node1 was killed");

        // (d) node4 leaves gracefully under traffic: its region hands all its shards off before the node exits
        await node4.SendAsync("leave");
        Assert.Equal(0, await node4.WaitForExitAsync(Deadline));
        Assert.Contains("terminated", node4.Lines);
        await ShardingCluster.AwaitAsync(async () =>
        {
            var now = await cluster.AllocationsAsync();
            return now.Shards.Count == 100 && ShardingCluster.ShardsByNode(now).Keys.Order(StringComparer.Ordinal).SequenceEqual(new[] { node2.Address, node3.Address }.Order(StringComparer.Ordinal));
        }, Deadline, "node4's shards on node2 and node3", () => DescribeAsync(cluster));
        Assert.DoesNotContain(EndToEndChecks.ReadActivations(cluster.ActivationsDirectory, killed), a => a.Node == node4.Node && a.Stop == long.MaxValue);
        await CheckpointAsync(cluster, client, killed, "after node4 left");
        output.WriteLine($"resent by the client over the whole test: {(await ProgressAsync(client)).Resent}");
    }

    private static (IActorRef From, IActorRef To) Extremes(ShardAllocations allocations)
    {
        var counts = allocations.Shards.GroupBy(kv => kv.Value).Select(g => (Region: g.Key, Count: g.Count())).OrderBy(c => c.Count).ThenBy(c => c.Region.Path.ToString(), StringComparer.Ordinal).ToList();
        return (counts[^1].Region, counts[0].Region);
    }

    private static async Task AwaitBalancedAsync(ShardingCluster cluster, int nodes)
        => await ShardingCluster.AwaitAsync(async () =>
        {
            var now = await cluster.AllocationsAsync();
            var counts = ShardingCluster.ShardsByNode(now).Values.Select(l => l.Count).ToList();
            return now.InHandOff.Count == 0 && counts.Count == nodes && counts.Max() - counts.Min() <= RebalanceThreshold;
        }, Deadline, $"the shards balanced over {nodes} nodes", () => DescribeAsync(cluster));

    private async Task CheckpointAsync(ShardingCluster cluster, IActorRef client, IReadOnlyDictionary<string, long> killed, string when)
    {
        await SetGeneratingAsync(client, false);
        var progress = await AwaitAllAckedAsync(client);
        output.WriteLine($"{when}: {progress.TotalAcked} messages acknowledged, {progress.Resent} resent so far");
        await EndToEndChecks.AssertJournalsAsync(cluster, progress.Sent, when);
        EndToEndChecks.AssertNoOverlap(EndToEndChecks.ReadActivations(cluster.ActivationsDirectory, killed), Entities, when);
        await SetGeneratingAsync(client, true);
    }

    private static async Task<StreamClient.Progress> AwaitAllAckedAsync(IActorRef client)
    {
        StreamClient.Progress? last = null;
        await ShardingCluster.AwaitAsync(async () => (last = await ProgressAsync(client)).AllAcked, Deadline, "every message acknowledged",
            () => Task.FromResult($"unacknowledged: {string.Join(", ", Enumerable.Range(0, last!.Sent.Length).Where(i => last.Sent[i] != last.Acked[i]).Take(10).Select(i => $"e{i} {last.Acked[i]}/{last.Sent[i]}"))}"));
        return last!;
    }

    private static Task<StreamClient.Progress> ProgressAsync(IActorRef client)
        => client.Ask<StreamClient.Progress>(new StreamClient.GetProgress(), TestTimeouts.Dilated(TimeSpan.FromSeconds(10)));

    private static Task SetGeneratingAsync(IActorRef client, bool on)
        => client.Ask<StreamClient.SetGenerating>(new StreamClient.SetGenerating(on), TestTimeouts.Dilated(TimeSpan.FromSeconds(10)));

    private static async Task<string> DescribeAsync(ShardingCluster cluster)
    {
        try
        {
            var a = await cluster.AllocationsAsync();
            return $"allocation: {string.Join(", ", ShardingCluster.ShardsByNode(a).Select(kv => $"{kv.Key}: {kv.Value.Count}"))}; handing off: {string.Join(", ", a.InHandOff)}";
        }
        catch (Exception e)
        {
            return "allocation unknown: " + e.Message;
        }
    }
}
