using System.Net.Sockets;
using Pipeline.Cluster.Tests.Transport;

namespace Pipeline.Cluster.Tests.MultiProcess;

/// <summary>Garbage on a real node's port: each bad connection is closed, the node keeps serving its real peers.</summary>
public sealed class GarbageFramesMultiProcessTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Ten_thousand_garbage_frames_on_a_node_process_close_their_connections_and_nothing_else()
    {
        await using var cluster = new MultiProcessCluster();
        var hosts = new[] { cluster.Start("node1"), cluster.Start("node2"), cluster.Start("node3") };
        foreach (var host in hosts) await host.WaitUpAsync(Deadline);
        foreach (var observer in hosts)
            foreach (var member in hosts)
                await observer.WaitForLineAsync(l => l == $"event MemberUp {member.Node}", Deadline, $"MemberUp of {member.Name}");
        var target = hosts[1];
        var eventsBefore = hosts.Select(h => h.Lines.Count(l => l.StartsWith("event ", StringComparison.Ordinal))).ToArray();

        // every frame on its own connection (so that each one is really parsed), eight connections at a time, plus
        // a few connections that stream many frames back to back
        const int frames = 10_000;
        var random = new Random(4321);
        var singles = Enumerable.Range(0, frames - 200).Select(_ => GarbageFrameTests.RandomFrame(random)).ToArray();
        var streams = Enumerable.Range(0, 4).Select(_ => Enumerable.Range(0, 50).SelectMany(_ => GarbageFrameTests.RandomFrame(random)).ToArray()).ToArray();
        var closedByNode = 0;
        var garbage = Parallel.ForEachAsync(singles.Concat(streams), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (bytes, _) =>
        {
            if (await SendAndAwaitCloseAsync(target.Port, bytes)) Interlocked.Increment(ref closedByNode);
        });

        // meanwhile a real remote ask between two node processes keeps working, through the attacked node and to it
        var asks = 0;
        while (!garbage.IsCompleted)
        {
            asks++;
            await hosts[0].SendAsync($"ask {target.Address} during-{asks}");
            await hosts[0].WaitForLineAsync(l => l == $"answer during-{asks} {target.Node}", Deadline, $"the answer to ask {asks} during the garbage");
        }
        await garbage;
        await target.SendAsync($"ask {hosts[2].Address} after");
        await target.WaitForLineAsync(l => l == $"answer after {hosts[2].Node}", Deadline, "an answer from the attacked node's ask after the garbage");

        Assert.Equal(frames - 200 + streams.Length, closedByNode);
        Assert.True(asks >= 1);
        Assert.DoesNotContain(hosts, h => h.HasExited);
        // membership unchanged: no member joined, left, was downed or removed since the cluster formed, nobody was
        // fenced (a reachability blip of a CPU-starved node on a loaded machine would not be a membership change)
        for (var i = 0; i < hosts.Length; i++)
        {
            var changes = hosts[i].Lines.Where(l => l.StartsWith("event ", StringComparison.Ordinal)).Skip(eventsBefore[i])
                .Where(l => !l.StartsWith("event UnreachableMember ", StringComparison.Ordinal) && !l.StartsWith("event ReachableMember ", StringComparison.Ordinal));
            Assert.Empty(changes);
            Assert.DoesNotContain(hosts[i].Lines, l => l.StartsWith("fenced", StringComparison.Ordinal));
        }
        await target.WaitForLogAsync("protocol violation", Deadline);
    }

    /// <summary>Sends <paramref name="bytes"/>, half-closes, and reads until the node closes; false if it never does.</summary>
    private static async Task<bool> SendAndAwaitCloseAsync(int port, byte[] bytes)
    {
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync("127.0.0.1", port);
        try
        {
            await socket.SendAsync(bytes, SocketFlags.None);
            socket.Shutdown(SocketShutdown.Send);
            var buffer = new byte[4096];
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(20) * MultiProcessCluster.TimeFactor);
            while (await socket.ReceiveAsync(buffer, SocketFlags.None, deadline.Token) > 0) { }
            return true;
        }
        catch (SocketException)
        {
            return true; // reset by the node (it closed with unread data): also a close
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
