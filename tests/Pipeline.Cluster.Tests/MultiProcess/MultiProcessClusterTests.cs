using Pipeline.TestKit.Processes;

namespace Pipeline.Cluster.Tests.MultiProcess;

/// <summary>Real node processes on 127.0.0.1 that find each other through PostgreSQL alone and die by SIGKILL.</summary>
public sealed class MultiProcessClusterTests
{
    private static readonly TimeSpan Start = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan Converge = TimeSpan.FromSeconds(30);

    private static Func<string, bool> Event(string type, string node) => l => l == $"event {type} {node}";

    private static async Task<NodeProcess[]> StartThreeAsync(MultiProcessCluster cluster)
    {
        var hosts = new[] { cluster.Start("node1"), cluster.Start("node2"), cluster.Start("node3") };
        foreach (var host in hosts) await host.WaitUpAsync(Start);
        foreach (var observer in hosts)
            foreach (var member in hosts)
                await observer.WaitForLineAsync(Event("MemberUp", member.Node), Converge, $"MemberUp of {member.Name}");
        return hosts;
    }

    [Fact]
    public async Task Three_nodes_form_a_cluster_with_nothing_but_the_store_and_answer_remote_asks()
    {
        await using var cluster = new MultiProcessCluster();
        var hosts = await StartThreeAsync(cluster);

        await hosts[0].SendAsync($"ask {hosts[1].Address} hello-from-1");
        await hosts[2].SendAsync($"ask {hosts[0].Address} hello-from-3");

        await hosts[0].WaitForLineAsync(l => l == $"answer hello-from-1 {hosts[1].Node}", Converge, "the answer of node2");
        await hosts[2].WaitForLineAsync(l => l == $"answer hello-from-3 {hosts[0].Node}", Converge, "the answer of node1");
        Assert.Equal(3, hosts.Select(h => h.Node).Distinct().Count());
    }

    [Fact]
    public async Task A_killed_node_is_downed_and_removed_on_the_survivors_and_rejoins_as_a_new_incarnation()
    {
        await using var cluster = new MultiProcessCluster();
        var hosts = await StartThreeAsync(cluster);
        var victim = hosts[2];

        await victim.KillAsync();

        foreach (var survivor in hosts[..2])
        {
            await survivor.WaitForLineAsync(Event("MemberDowned", victim.Node), Converge, "MemberDowned of the killed node");
            await survivor.WaitForLineAsync(Event("MemberRemoved", victim.Node), Converge, "MemberRemoved of the killed node");
            // each survivor found the killed node's port closed and voted on that evidence (not on missed heartbeats)
            await survivor.WaitForLogAsync($"a connection to {victim.Node}'s address was refused, its process is gone", Converge);
        }

        var reborn = cluster.Start("node3-again", victim.Port);
        await reborn.WaitUpAsync(Start);
        Assert.Equal(victim.Address, reborn.Address);
        Assert.NotEqual(victim.Node, reborn.Node);
        foreach (var survivor in hosts[..2])
            await survivor.WaitForLineAsync(Event("MemberUp", reborn.Node), Converge, "MemberUp of the new incarnation");
        await reborn.SendAsync($"ask {hosts[0].Address} after-restart");
        await reborn.WaitForLineAsync(l => l == $"answer after-restart {hosts[0].Node}", Converge, "an answer to the new incarnation");
    }

    [Fact]
    public async Task A_node_cut_off_from_its_peers_is_voted_down_and_stops_itself()
    {
        await using var cluster = new MultiProcessCluster();
        var hosts = await StartThreeAsync(cluster);
        var cut = hosts[2];

        await cut.SendAsync("blackhole");

        foreach (var survivor in hosts[..2])
        {
            await survivor.WaitForLineAsync(Event("MemberDowned", cut.Node), Converge, "MemberDowned of the cut-off node");
            await survivor.WaitForLineAsync(Event("MemberRemoved", cut.Node), Converge, "MemberRemoved of the cut-off node");
        }
        var fenced = await cut.WaitForLineAsync(l => l.StartsWith("fenced ", StringComparison.Ordinal), Converge, "fenced");
        Assert.Contains("Down", fenced);
        Assert.Equal(0, await cut.WaitForExitAsync(Converge));
        Assert.Contains("terminated", cut.Lines);
        Assert.Contains("fenced (the cluster declared this node Down): running the coordinated shutdown", cut.Errors);
        Assert.False(hosts[0].HasExited || hosts[1].HasExited);
    }

    [Fact]
    public async Task A_node_with_the_wrong_secret_is_refused_with_the_reason_logged_on_both_sides()
    {
        await using var cluster = new MultiProcessCluster();
        var good = new[] { cluster.Start("node1"), cluster.Start("node2") };
        foreach (var host in good) await host.WaitUpAsync(Start);
        foreach (var observer in good)
            foreach (var member in good)
                await observer.WaitForLineAsync(Event("MemberUp", member.Node), Converge, $"MemberUp of {member.Name}");

        var intruder = cluster.Start("intruder", secret: "not-the-cluster-secret");

        await intruder.WaitForLogAsync("cluster secret mismatch", Converge);
        await good[0].WaitForLogAsync("cluster secret mismatch", Converge);
        // nobody can exchange heartbeats with it: the members vote it Down and it stops itself
        await intruder.WaitForLineAsync(l => l.StartsWith("fenced ", StringComparison.Ordinal), Converge, "fenced");
        Assert.Equal(0, await intruder.WaitForExitAsync(Converge));
        await good[1].SendAsync($"ask {good[0].Address} still-fine");
        await good[1].WaitForLineAsync(l => l == $"answer still-fine {good[0].Node}", Converge, "the good members still talk");
    }
}
