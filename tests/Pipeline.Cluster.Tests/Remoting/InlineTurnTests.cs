using Pipeline.Cluster.Extension;
using Pipeline.Cluster.Tests.Support;
using Pipeline.Runtime.Actors;
using Pipeline.Runtime.Patterns;

namespace Pipeline.Cluster.Tests.Remoting;

/// <summary>
/// A connection's reader runs the turns of the local actors a read woke up and writes their replies itself.
/// These tests show that this keeps every message in order, that it can be turned off, and that an actor that
/// blocks in such a turn does not hold up the connection: a new reader takes over, so heartbeats, asks and
/// other actors' messages keep flowing.
/// </summary>
public sealed class InlineTurnTests(Xunit.Abstractions.ITestOutputHelper output) : IAsyncLifetime
{
    private readonly ClusterSystems _cluster = new(output);

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _cluster.DisposeAsync();

    private static IActorRef RemoteRef(ActorSystem from, IActorRef actorOnOtherNode, ActorSystem other) =>
        ClusterSystems.RemoteRef(from, actorOnOtherNode, other);

    private static Func<ClusterSettings, ClusterSettings> Budget(TimeSpan budget) =>
        s => s with { ConfigureTransport = t => t with { InlineTurnBudget = budget } };

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_window_of_pings_comes_back_complete_and_in_order_with_or_without_inline_turns(bool inline)
    {
        // a generous budget: with the default 1 ms, a reader descheduled on a starved machine hands its turns to
        // the dispatchers, and their replies then leave through the queue
        var budget = inline ? TimeSpan.FromSeconds(1) : TimeSpan.Zero;
        var (a, clusterA) = await _cluster.StartAsync(Budget(budget));
        var (b, clusterB) = await _cluster.StartAsync(Budget(budget));
        const int count = 5_000;
        var echo = b.ActorOf(Props.Create(() => new NumberEcho()), "echo");
        // the reader writes replies straight into its frame buffer only while no drain runs on the pool; on a
        // starved machine (CI's two cores under other tests) a window can pass while one does, which is correct,
        // so up to five windows are exchanged until the direct path has shown itself
        for (var round = 1; round <= 5; round++)
        {
            var done = new TaskCompletionSource<int[]>(TaskCreationOptions.RunContinuationsAsynchronously);
            var client = a.ActorOf(Props.Create(() => new WindowedClient(RemoteRef(a, echo, b), count, 200, done)), $"client-{round}");
            client.Tell("start");
            var answers = await done.Task.WaitAsync(ClusterTestSettings.Dilated(TimeSpan.FromSeconds(30)));
            Assert.Equal(Enumerable.Range(1, count), answers);
            if (!inline || (clusterB.Node.Transport.DirectFrames() > 0 && clusterA.Node.Transport.InlineTurns() > 0)) break;
        }

        if (inline)
        {
            Assert.True(clusterB.Node.Transport.InlineTurns() > 0, "the echo's turns ran on the reader of B's connection");
            Assert.True(clusterA.Node.Transport.InlineTurns() > 0, "the client's turns ran on the reader of A's connection");
            Assert.True(clusterB.Node.Transport.DirectFrames() > 0, "the echo's replies went straight into the frame buffer of B's reader");
        }
        else
        {
            Assert.Equal(0, clusterB.Node.Transport.InlineTurns());
            Assert.Equal(0, clusterA.Node.Transport.InlineTurns());
            Assert.Equal(0, clusterB.Node.Transport.DirectFrames());
        }
    }

    [Fact]
    public async Task An_actor_that_blocks_in_a_turn_run_by_the_reader_does_not_hold_up_the_connection()
    {
        var (a, _) = await _cluster.StartAsync();
        var (b, clusterB) = await _cluster.StartAsync();
        using var gate = new ManualResetEventSlim();
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var blocker = b.ActorOf(Props.Create(() => new Blocker(gate, entered)), "blocker");
        var recorder = b.ActorOf(Props.Create(() => new Recorder()), "recorder");
        var echo = b.ActorOf(Props.Create(() => new EchoActor()), "echo");
        var inbox = new Inbox(a, "inbox");
        // the connection is up and the remote refs resolved before the blocking starts
        Assert.Equal(new Pong("warm", "echo"), await RemoteRef(a, echo, b).Ask<Pong>(new Ping("warm"), ClusterTestSettings.Dilated(TimeSpan.FromSeconds(10))));

        RemoteRef(a, blocker, b).Tell("block", inbox.Ref);
        await entered.Task.WaitAsync(ClusterTestSettings.Dilated(TimeSpan.FromSeconds(10)));
        var recorderOnB = RemoteRef(a, recorder, b);
        for (var i = 1; i <= 1_000; i++) recorderOnB.Tell(i, inbox.Ref);

        // while the blocker still holds the thread that read its message, B answers and records everything
        var pong = await RemoteRef(a, echo, b).Ask<Pong>(new Ping("still there?"), ClusterTestSettings.Dilated(TimeSpan.FromSeconds(10)));
        Assert.Equal(new Pong("still there?", "echo"), pong);
        var seen = await recorderOnB.Ask<int[]>("seen?", ClusterTestSettings.Dilated(TimeSpan.FromSeconds(10)));
        Assert.Equal(Enumerable.Range(1, 1_000), seen);
        Assert.False(gate.IsSet);
        Assert.True(clusterB.Node.Transport.ReadersTakenOver >= 1);

        gate.Set();
        Assert.Equal("unblocked", await inbox.ExpectAsync<string>());
        // the blocker's thread stopped reading: the connection keeps working through the reader that took over
        RemoteRef(a, blocker, b).Tell("again", inbox.Ref);
        Assert.Equal("after:again", await inbox.ExpectAsync<string>());
    }

    [Fact]
    public async Task Replies_written_by_readers_and_sends_from_other_threads_share_one_queue_without_loss_or_reordering()
    {
        var (a, clusterA) = await _cluster.StartAsync();
        var (b, _) = await _cluster.StartAsync();
        const int pairs = 6, perPair = 3_000, threads = 4, perThread = 5_000;
        // ping-pong pairs: their replies on both nodes are written by the readers that ran the turns
        var windows = Enumerable.Range(0, pairs).Select(i =>
        {
            var done = new TaskCompletionSource<int[]>(TaskCreationOptions.RunContinuationsAsynchronously);
            var echo = b.ActorOf(Props.Create(() => new NumberEcho()), "echo-" + i);
            var client = a.ActorOf(Props.Create(() => new WindowedClient(RemoteRef(a, echo, b), perPair, 100, done)), "client-" + i);
            return (Client: client, Done: done.Task);
        }).ToArray();
        // meanwhile plain threads send numbered messages to B through the same queue (each starts a drain on the pool)
        var recorder = b.ActorOf(Props.Create(() => new PerSenderRecorder()), "per-sender");
        var recorderOnB = RemoteRef(a, recorder, b);
        foreach (var (client, _) in windows) client.Tell("start");
        var senders = Enumerable.Range(0, threads).Select(t => Task.Run(async () =>
        {
            for (var i = 1; i <= perThread; i++)
            {
                recorderOnB.Tell(new Numbered(t, i));
                if (i % 500 == 0) await Task.Yield();
            }
        })).ToArray();

        await Task.WhenAll(senders);
        foreach (var (_, done) in windows)
            Assert.Equal(Enumerable.Range(1, perPair), await done.WaitAsync(ClusterTestSettings.Dilated(TimeSpan.FromSeconds(60))));
        var counts = new Counts([], null);
        await Eventually.True(async () =>
        {
            counts = await recorderOnB.Ask<Counts>("counts?", ClusterTestSettings.Dilated(TimeSpan.FromSeconds(10)));
            return counts.Violation is not null || counts.PerSender.Sum() == threads * perThread;
        }, "every numbered message recorded", TimeSpan.FromSeconds(30));
        Assert.Null(counts.Violation); // each thread's numbers arrive once each and in order
        Assert.Equal(Enumerable.Repeat(perThread, threads), counts.PerSender);
        Assert.True(clusterA.Node.Transport.InlineTurns() > 0);
    }

    /// <summary>A numbered message from one sending thread.</summary>
    public sealed record Numbered(int Sender, int Number);

    /// <summary>How many numbers came from each sender, and the first one out of order, if any.</summary>
    public sealed record Counts(int[] PerSender, string? Violation);

    /// <summary>Checks that each sender's numbers arrive once each and in order; answers "counts?" with <see cref="Counts"/>.</summary>
    private sealed class PerSenderRecorder : ActorBase
    {
        private readonly int[] _last = new int[4];
        private string? _violation;

        protected override bool Receive(object message)
        {
            switch (message)
            {
                case Numbered n:
                    if (n.Number != _last[n.Sender] + 1) _violation ??= $"sender {n.Sender}: {n.Number} after {_last[n.Sender]}";
                    _last[n.Sender] = n.Number;
                    return true;
                case "counts?":
                    Sender.Tell(new Counts([.. _last], _violation), Self);
                    return true;
                default:
                    return false;
            }
        }
    }

    /// <summary>Answers every number with itself.</summary>
    private sealed class NumberEcho : ActorBase
    {
        protected override bool Receive(object message)
        {
            Sender.Tell(message, Self);
            return true;
        }
    }

    /// <summary>Keeps <c>window</c> numbers in flight until <c>count</c> were sent; completes with the answers in arrival order.</summary>
    private sealed class WindowedClient(IActorRef echo, int count, int window, TaskCompletionSource<int[]> done) : ActorBase
    {
        private readonly List<int> _answers = new(count);
        private int _sent;

        protected override bool Receive(object message)
        {
            switch (message)
            {
                case "start":
                    while (_sent < window) echo.Tell(++_sent, Self);
                    return true;
                case int n:
                    _answers.Add(n);
                    if (_sent < count) echo.Tell(++_sent, Self);
                    if (_answers.Count == count) done.TrySetResult([.. _answers]);
                    return true;
                default:
                    return false;
            }
        }
    }

    /// <summary>On "block", holds its thread until the gate opens (an actor doing blocking work), then answers.</summary>
    private sealed class Blocker(ManualResetEventSlim gate, TaskCompletionSource entered) : ActorBase
    {
        protected override bool Receive(object message)
        {
            switch (message)
            {
                case "block":
                    entered.TrySetResult();
                    SpinWait.SpinUntil(() => gate.IsSet, TimeSpan.FromMinutes(1));
                    Sender.Tell("unblocked", Self);
                    return true;
                case string text:
                    Sender.Tell("after:" + text, Self);
                    return true;
                default:
                    return false;
            }
        }
    }

    /// <summary>Records the numbers it receives; answers "seen?" with them, in order.</summary>
    private sealed class Recorder : ActorBase
    {
        private readonly List<int> _seen = [];

        protected override bool Receive(object message)
        {
            switch (message)
            {
                case int n:
                    _seen.Add(n);
                    return true;
                case "seen?":
                    Sender.Tell(_seen.ToArray(), Self);
                    return true;
                default:
                    return false;
            }
        }
    }
}
