using System.Globalization;
using Pipeline.TestKit.Processes;

namespace Pipeline.Cluster.Tests.MultiProcess;

/// <summary>The cluster singleton across real processes: it moves on SIGKILL and on leave, and never runs twice at once.</summary>
public sealed class SingletonMultiProcessTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    private sealed record Activation(string Node, long Start, long? Stop);

    [Fact]
    public async Task The_singleton_moves_after_a_kill_and_a_leave_and_never_runs_twice_at_once()
    {
        await using var cluster = new MultiProcessCluster();
        var hosts = await StartInOrderAsync(cluster);
        await hosts[0].WaitForLineAsync(l => l == $"singleton-started {hosts[0].Node}", Deadline, "the singleton on the oldest node");
        await hosts[2].SendAsync("singleton first");
        await hosts[2].WaitForLineAsync(l => l == $"singleton-answer first {hosts[0].Node}", Deadline, "an answer from the singleton on node1");

        await hosts[0].KillAsync();
        var killedAt = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

        await hosts[1].WaitForLineAsync(l => l == $"singleton-started {hosts[1].Node}", Deadline, "the take-over by node2");
        // delivery is at most once: ask once node3's proxy can know that node1 is gone (it buffers from then on)
        await hosts[2].WaitForLineAsync(l => l == $"event MemberRemoved {hosts[0].Node}", Deadline, "node3 seeing node1 removed");
        await hosts[2].SendAsync("singleton after-crash");
        await hosts[2].WaitForLineAsync(l => l == $"singleton-answer after-crash {hosts[1].Node}", Deadline, "an answer from the singleton on node2");

        await hosts[1].SendAsync("leave");
        await hosts[1].WaitForLineAsync(l => l == $"singleton-stopped {hosts[1].Node}", Deadline, "the hand-over by node2");
        await hosts[2].WaitForLineAsync(l => l == $"singleton-started {hosts[2].Node}", Deadline, "the singleton on node3");
        await hosts[2].SendAsync("singleton after-leave");
        await hosts[2].WaitForLineAsync(l => l == $"singleton-answer after-leave {hosts[2].Node}", Deadline, "an answer from the singleton on node3");

        var activations = ReadActivations(cluster.ActivationsDirectory);
        Assert.Equal([hosts[0].Node, hosts[1].Node, hosts[2].Node], activations.Select(a => a.Node));
        Assert.Null(activations[0].Stop); // SIGKILL: it never got to write its stop
        Assert.NotNull(activations[1].Stop);
        var ends = new[] { killedAt, activations[1].Stop!.Value };
        for (var i = 1; i < activations.Count; i++)
            Assert.True(activations[i].Start >= ends[i - 1],
                $"activation {i + 1} on {activations[i].Node} started at {activations[i].Start}, before activation {i} ended at {ends[i - 1]}");
    }

    [Fact]
    public async Task A_cut_off_oldest_stops_its_singleton_before_the_next_oldest_starts_it()
    {
        await using var cluster = new MultiProcessCluster();
        var hosts = await StartInOrderAsync(cluster);
        await hosts[0].WaitForLineAsync(l => l == $"singleton-started {hosts[0].Node}", Deadline, "the singleton on the oldest node");

        await hosts[0].SendAsync("blackhole");

        await hosts[0].WaitForLineAsync(l => l == $"singleton-stopped {hosts[0].Node}", Deadline, "the cut-off node stopping its singleton");
        await hosts[1].WaitForLineAsync(l => l == $"singleton-started {hosts[1].Node}", Deadline, "the take-over by node2");
        Assert.Equal(0, await hosts[0].WaitForExitAsync(Deadline));
        var activations = ReadActivations(cluster.ActivationsDirectory);
        Assert.Equal([hosts[0].Node, hosts[1].Node], activations.Select(a => a.Node));
        Assert.True(activations[1].Start >= activations[0].Stop,
            $"node2 started the singleton at {activations[1].Start}, before the cut-off node1 stopped it at {activations[0].Stop}");
        Assert.DoesNotContain(hosts[2].Lines, l => l.StartsWith("singleton-started", StringComparison.Ordinal));
    }

    private static async Task<List<NodeProcess>> StartInOrderAsync(MultiProcessCluster cluster)
    {
        var hosts = new List<NodeProcess>();
        foreach (var name in new[] { "node1", "node2", "node3" })
        {
            // one after the other, so that node1 is the oldest, then node2
            var host = cluster.Start(name, singleton: true);
            await host.WaitUpAsync(Deadline);
            hosts.Add(host);
        }
        foreach (var observer in hosts)
            foreach (var member in hosts)
                await observer.WaitForLineAsync(l => l == $"event MemberUp {member.Node}", Deadline, $"MemberUp of {member.Name}");
        return hosts;
    }

    private static List<Activation> ReadActivations(string directory)
    {
        var lines = Directory.GetFiles(directory, "activations-*.log").SelectMany(File.ReadAllLines).Select(l => l.Split(' ')).ToList();
        var starts = lines.Where(p => p[0] == "start").Select(p => (Node: p[1], At: long.Parse(p[2], CultureInfo.InvariantCulture)));
        var stops = lines.Where(p => p[0] == "stop").ToDictionary(p => p[1], p => long.Parse(p[2], CultureInfo.InvariantCulture));
        return starts.OrderBy(s => s.At).Select(s => new Activation(s.Node, s.At, stops.TryGetValue(s.Node, out var stop) ? stop : null)).ToList();
    }
}
