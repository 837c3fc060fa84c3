using System.Collections.Concurrent;
using System.Diagnostics;
using Pipeline.Cluster.Membership;
using Pipeline.Cluster.Membership.Events;
using Pipeline.Cluster.Membership.Store;

namespace Pipeline.Cluster.Benchmarks;

/// <summary>
/// Three in-process nodes with default failure detection and membership settings on a shared SQLite file; the
/// oldest is stopped without leaving (its heartbeats stop, as after SIGKILL) and the survivors' events are timed.
/// </summary>
internal static class FailoverBenchmark
{
    public static async Task RunAsync()
    {
        var directory = Directory.CreateTempSubdirectory("pipeline-failover-").FullName;
        var nodes = new List<ClusterNode>();
        try
        {
            var cluster = "failover";
            var settings = new ClusterNodeSettings { Transport = TransportBenchmark.Settings(0) with { SystemName = cluster } };
            for (var i = 0; i < 3; i++)
            {
                var node = new ClusterNode(settings, new SqliteMembershipStore(Path.Combine(directory, "m.db"), cluster), new CountingHandler());
                await node.StartAsync(CancellationToken.None);
                nodes.Add(node);
            }
            await WaitAsync(() => nodes.All(n => n.Membership.State.Members.Count(m => m.Status == MemberStatus.Up) == 3), "cluster formed");
            var victim = nodes[0];
            var survivors = nodes.Skip(1).ToList();
            var seen = new ConcurrentDictionary<string, double>();
            var clock = new Stopwatch();
            foreach (var survivor in survivors)
            {
                survivor.Membership.Subscribe(e =>
                {
                    var name = e switch
                    {
                        UnreachableMember u when u.Member.Node == victim.Self => "UnreachableMember",
                        MemberDowned d when d.Member.Node == victim.Self => "MemberDowned",
                        OldestChanged { Role: null } o when o.Oldest?.Node != victim.Self => "OldestChanged",
                        MemberRemoved r when r.Member.Node == victim.Self => "MemberRemoved",
                        _ => null,
                    };
                    if (name is not null && clock.IsRunning) seen.TryAdd($"{name} on {survivor.Self.Address.Port}", clock.Elapsed.TotalSeconds);
                });
            }
            clock.Start();
            await victim.DisposeAsync();
            nodes.Remove(victim);
            await WaitAsync(() => seen.Keys.Count(k => k.StartsWith("MemberRemoved", StringComparison.Ordinal)) == 2, "MemberRemoved on both survivors");
            foreach (var (what, seconds) in seen.OrderBy(p => p.Value)) Console.WriteLine($"  {what}: {seconds:N2} s after the stop");
            Console.WriteLine($"RESULT failover with default settings: MemberRemoved on all survivors {seen.Where(p => p.Key.StartsWith("MemberRemoved", StringComparison.Ordinal)).Max(p => p.Value):N2} s, new oldest {seen.Where(p => p.Key.StartsWith("OldestChanged", StringComparison.Ordinal)).Max(p => p.Value):N2} s after the stop");
        }
        finally
        {
            foreach (var node in nodes) await node.DisposeAsync();
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(directory, recursive: true);
        }
    }

    private static async Task WaitAsync(Func<bool> condition, string what)
    {
        var deadline = Stopwatch.StartNew();
        while (!condition())
        {
            if (deadline.Elapsed > TimeSpan.FromSeconds(120)) throw new TimeoutException($"Timed out waiting for {what}.");
            await Task.Delay(10);
        }
    }
}
