using Pipeline.Cluster.Remoting;
using Pipeline.Cluster.Tests.Support;
using Pipeline.Runtime.Actors;
using Pipeline.Runtime.Patterns;

namespace Pipeline.Cluster.Tests.Remoting;

/// <summary>Location transparency between two actor systems of one cluster over loopback TCP.</summary>
public sealed class RemotingTests(Xunit.Abstractions.ITestOutputHelper output) : IAsyncLifetime
{
    private readonly ClusterSystems _cluster = new(output);
    private ActorSystem _a = null!;
    private ActorSystem _b = null!;

    public async Task InitializeAsync()
    {
        (_a, _) = await _cluster.StartAsync();
        (_b, _) = await _cluster.StartAsync();
    }

    public Task DisposeAsync() => _cluster.DisposeAsync();

    private static IActorRef RemoteRef(ActorSystem from, IActorRef actorOnOtherNode, ActorSystem other) =>
        ClusterSystems.RemoteRef(from, actorOnOtherNode, other);

    [Fact]
    public async Task Tell_reaches_a_remote_actor_and_its_reply_comes_back_to_the_remote_sender()
    {
        var echo = _b.ActorOf(Props.Create(() => new EchoActor()), "echo");
        var inbox = new Inbox(_a, "inbox");
        var remote = RemoteRef(_a, echo, _b);
        Assert.IsType<RemoteActorRef>(remote);
        Assert.False(((InternalActorRef)remote).IsLocal);

        remote.Tell(new Ping("hello"), inbox.Ref);

        var pong = await inbox.ExpectAsync<Pong>();
        Assert.Equal(new Pong("hello", "echo"), pong);
        Assert.IsType<RemoteActorRef>(inbox.LastSender);
        Assert.Equal(echo.Path.ToStringWithAddress(_b.Address), inbox.LastSender!.Path.ToString());
        Assert.Equal(echo.Path.Uid, inbox.LastSender.Path.Uid);
    }

    [Fact]
    public async Task One_remote_ref_told_by_alternating_senders_carries_each_senders_own_path()
    {
        var echo = _b.ActorOf(Props.Create(() => new EchoActor()), "echo");
        var first = new Inbox(_a, "first");
        var second = new Inbox(_a, "second");
        var remote = RemoteRef(_a, echo, _b);

        // the ref remembers its last sender's path: every change of sender must still send the right one
        remote.Tell(new Ping("1"), first.Ref);
        remote.Tell(new Ping("2"), second.Ref);
        remote.Tell(new Ping("3"), first.Ref);
        remote.Tell(new Ping("4"), second.Ref);

        Assert.Equal(new Pong("1", "echo"), await first.ExpectAsync<Pong>());
        Assert.Equal(new Pong("3", "echo"), await first.ExpectAsync<Pong>());
        Assert.Equal(new Pong("2", "echo"), await second.ExpectAsync<Pong>());
        Assert.Equal(new Pong("4", "echo"), await second.ExpectAsync<Pong>());
    }

    [Fact]
    public async Task Ask_works_in_both_directions()
    {
        var echoA = _a.ActorOf(Props.Create(() => new EchoActor()), "echo-a");
        var echoB = _b.ActorOf(Props.Create(() => new EchoActor()), "echo-b");

        var fromA = await RemoteRef(_a, echoB, _b).Ask<Pong>(new Ping("a->b"), TimeSpan.FromSeconds(10));
        var fromB = await RemoteRef(_b, echoA, _a).Ask<Pong>(new Ping("b->a"), TimeSpan.FromSeconds(10));

        Assert.Equal(new Pong("a->b", "echo-b"), fromA);
        Assert.Equal(new Pong("b->a", "echo-a"), fromB);
    }

    [Fact]
    public async Task Forward_across_nodes_keeps_the_original_sender()
    {
        var echoA = _a.ActorOf(Props.Create(() => new EchoActor()), "echo");
        var remoteEcho = RemoteRef(_b, echoA, _a);
        var forwarder = _b.ActorOf(Props.Create(() => new ForwardActor(remoteEcho)), "forwarder");
        var inbox = new Inbox(_a, "inbox");

        // a -> forwarder on b -> echo on a, which answers the inbox on a directly
        RemoteRef(_a, forwarder, _b).Tell(new Ping("via b"), inbox.Ref);

        Assert.Equal(new Pong("via b", "echo"), await inbox.ExpectAsync<Pong>());
        Assert.Equal(echoA, inbox.LastSender);
    }

    [Fact]
    public async Task Ask_timeout_names_the_remote_target()
    {
        var silent = _b.ActorOf(Props.Create(() => new SilentActor()), "silent");
        var remote = RemoteRef(_a, silent, _b);

        var error = await Assert.ThrowsAsync<AskTimeoutException>(() => remote.Ask(new Ping("anyone?"), TimeSpan.FromMilliseconds(300)));

        Assert.Contains(_b.Address + "/user/silent", error.Message);
        Assert.Contains("Ping", error.Message);
    }

    [Fact]
    public async Task A_message_to_an_unknown_remote_actor_becomes_a_dead_letter_on_the_receiving_node()
    {
        var onB = new TaskCompletionSource<DeadLetter>(TaskCreationOptions.RunContinuationsAsynchronously);
        var onA = 0;
        using var subB = _b.EventStream.Subscribe<DeadLetter>(d => onB.TrySetResult(d));
        using var subA = _a.EventStream.Subscribe<DeadLetter>(_ => Interlocked.Increment(ref onA));
        var inbox = new Inbox(_a, "inbox");

        _a.Resolve(_b.Address + "/user/nobody").Tell(new Ping("lost"), inbox.Ref);

        var dead = await onB.Task.WaitAsync(ClusterTestSettings.Dilated(TimeSpan.FromSeconds(10)));
        Assert.Equal(new Ping("lost"), dead.Message);
        Assert.Contains("no actor at /user/nobody on this node", dead.Reason);
        Assert.Contains(_a.Address.Port!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture), dead.Reason);
        Assert.Equal(inbox.Ref.Path.ToStringWithAddress(_a.Address), dead.Sender!.Path.ToString());
        Assert.Equal(0, Volatile.Read(ref onA));
    }

    /// <summary>Records the numbers it receives and stops itself after <c>stopAfter</c> of them.</summary>
    private sealed class StopAfter(int stopAfter, System.Collections.Concurrent.ConcurrentQueue<int> seen) : ActorBase
    {
        protected override bool Receive(object message)
        {
            if (message is not int n) return false;
            seen.Enqueue(n);
            if (seen.Count == stopAfter) Context.Stop(Self);
            return true;
        }
    }

    [Fact]
    public async Task A_burst_to_an_actor_that_stops_midway_reaches_it_in_order_and_the_rest_become_dead_letters_none_lost()
    {
        const int total = 20_000;
        const int stopAfter = 7_000;
        var seen = new System.Collections.Concurrent.ConcurrentQueue<int>();
        var target = _b.ActorOf(Props.Create(() => new StopAfter(stopAfter, seen)), "stops");
        var dead = new System.Collections.Concurrent.ConcurrentQueue<int>();
        using var sub = _b.EventStream.Subscribe<DeadLetter>(d => { if (d.Message is int n) dead.Enqueue(n); });
        var inbox = new Inbox(_a, "burst-sender");
        var remote = RemoteRef(_a, target, _b);

        // one sender, one target: the messages travel in envelope runs, delivered a run at a time
        for (var i = 0; i < total; i++) remote.Tell(i, inbox.Ref);

        var deadline = DateTime.UtcNow + ClusterTestSettings.Dilated(TimeSpan.FromSeconds(20));
        while (seen.Count + dead.Count < total && DateTime.UtcNow < deadline) await Task.Delay(20);
        Assert.Equal(Enumerable.Range(0, stopAfter), seen);
        Assert.Equal(Enumerable.Range(stopAfter, total - stopAfter), dead.Order());
    }

    [Fact]
    public async Task A_message_that_cannot_be_serialized_becomes_a_dead_letter_on_the_sending_node_and_the_connection_goes_on()
    {
        var echo = _b.ActorOf(Props.Create(() => new EchoActor()), "echo");
        var inbox = new Inbox(_a, "inbox");
        var remote = RemoteRef(_a, echo, _b);
        Assert.Equal(new Pong("before", "echo"), await remote.Ask<Pong>(new Ping("before"), ClusterTestSettings.Dilated(TimeSpan.FromSeconds(10))));
        var onA = new TaskCompletionSource<DeadLetter>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var subA = _a.EventStream.Subscribe<DeadLetter>(d => { if (d.Message is Unserializable) onA.TrySetResult(d); });

        remote.Tell(new Unserializable(), inbox.Ref);
        remote.Tell(new Ping("after"), inbox.Ref);

        var dead = await onA.Task.WaitAsync(ClusterTestSettings.Dilated(TimeSpan.FromSeconds(10)));
        Assert.Contains("failed to serialize", dead.Reason);
        Assert.Contains("not serializable by design", dead.Reason);
        Assert.Equal(remote.Path.ToString(), dead.Recipient.Path.ToString());
        Assert.Equal((inbox.Ref.Path.Name, inbox.Ref.Path.Uid), (dead.Sender!.Path.Name, dead.Sender.Path.Uid));
        // the same connection carries the next message
        Assert.Equal(new Pong("after", "echo"), await inbox.ExpectAsync<Pong>());
    }

    [Fact]
    public async Task A_new_actor_at_a_cached_path_receives_what_follows()
    {
        var first = _b.ActorOf(Props.Create(() => new EchoActor()), "worker");
        var inbox = new Inbox(_a, "inbox");
        var remote = _a.Resolve(_b.Address + "/user/worker"); // no uid: whoever lives there
        for (var i = 0; i < 3; i++) remote.Tell(new Ping("one"), inbox.Ref);
        for (var i = 0; i < 3; i++) Assert.Equal(new Pong("one", "worker"), await inbox.ExpectAsync<Pong>());
        var watcher = new Inbox(_b, "watcher");
        watcher.Ref.Tell(new WatchIt(first));
        first.Tell(PoisonPill.Instance);
        await watcher.ExpectAsync<Terminated>();

        var second = _b.ActorOf(Props.Create(() => new EchoActor()), "worker");
        remote.Tell(new Ping("two"), inbox.Ref);

        Assert.Equal(new Pong("two", "worker"), await inbox.ExpectAsync<Pong>());
        Assert.Equal(second.Path.Uid, inbox.LastSender!.Path.Uid);
        Assert.NotEqual(first.Path.Uid, second.Path.Uid);
    }

    [Fact]
    public async Task Many_asks_leave_the_string_table_to_paths_that_repeat()
    {
        var echo = _b.ActorOf(Props.Create(() => new EchoActor()), "echo");
        var remote = RemoteRef(_a, echo, _b);
        var timeout = ClusterTestSettings.Dilated(TimeSpan.FromSeconds(10));
        var answers = await Task.WhenAll(Enumerable.Range(0, 200).Select(i => remote.Ask<Pong>(new Ping(i.ToString(System.Globalization.CultureInfo.InvariantCulture)), timeout)));
        Assert.Equal(Enumerable.Range(0, 200).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)), answers.Select(p => p.Text));
        // a's writer indexed the echo's path and the manifest; b's writer its own path (as the answers' sender) and the manifest:
        // the 200 temporary paths of the asks went literally in both directions
        var transportA = Extension.ClusterExtension.Get(_a).Node.Transport;
        var transportB = Extension.ClusterExtension.Get(_b).Node.Transport;
        Assert.InRange(transportA.StringTableCounts().Max(), 1, 10);
        Assert.InRange(transportB.StringTableCounts().Max(), 1, 10);
    }

    [Fact]
    public async Task Remote_selection_with_a_wildcard_reaches_every_match_and_identify_to_nothing_answers_null()
    {
        _b.ActorOf(Props.Create(() => new ParentActor("w1", "w2", "other")), "workers");
        var inbox = new Inbox(_a, "inbox");
        await Eventually.True(async () => (await _b.ActorSelection("/user/workers/*").Ask<ActorIdentity>(new Identify(1), TimeSpan.FromSeconds(5))).Subject is not null, "workers started");

        _a.ActorSelection(_b.Address + "/user/workers/w*").Tell(new Ping("all"), inbox.Ref);

        var answers = new[] { await inbox.ExpectAsync<Pong>(), await inbox.ExpectAsync<Pong>() };
        Assert.Equal(["w1", "w2"], answers.Select(p => p.From).Order());
        await inbox.ExpectNothingAsync(TimeSpan.FromMilliseconds(300));

        var none = await _a.ActorSelection(_b.Address + "/user/workers/nothing").Ask<ActorIdentity>(new Identify(42), TimeSpan.FromSeconds(10));
        Assert.Null(none.Subject);
        Assert.Equal(42L, Convert.ToInt64(none.MessageId, System.Globalization.CultureInfo.InvariantCulture));

        var w1 = await _a.ActorSelection(_b.Address + "/user/workers/w1").ResolveOne(TimeSpan.FromSeconds(10));
        Assert.IsType<RemoteActorRef>(w1);
        Assert.Equal(new Pong("resolved", "w1"), await w1.Ask<Pong>(new Ping("resolved"), TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task Watching_a_remote_actor_yields_terminated_exactly_once_when_it_stops()
    {
        var target = _b.ActorOf(Props.Create(() => new SilentActor()), "mortal");
        var inbox = new Inbox(_a, "watcher");
        var remote = RemoteRef(_a, target, _b);
        inbox.Ref.Tell(new WatchIt(remote));
        var provider = ((RemoteActorRef)remote);
        await Eventually.True(() => Extension.ClusterExtension.Get(_a).Remote.WatchedRemoteActors == 1, "watch registered");
        // the watch frame is processed on b before the stop: both go through b's mailbox order per sender node
        await Eventually.True(async () => (await _a.ActorSelection(_b.Address + "/user/mortal").Ask<ActorIdentity>(new Identify(0), TimeSpan.FromSeconds(5))).Subject is not null, "target alive");

        remote.Tell(PoisonPill.Instance);

        var terminated = await inbox.ExpectAsync<Terminated>();
        Assert.Equal(target.Path.ToStringWithAddress(_b.Address), terminated.ActorRef.Path.ToString());
        Assert.False(terminated.AddressTerminated);
        Assert.True(terminated.ExistenceConfirmed);
        Assert.Same(provider, terminated.ActorRef);
        await inbox.ExpectNothingAsync(TimeSpan.FromMilliseconds(500));
    }

    [Fact]
    public async Task Watching_a_remote_actor_that_does_not_exist_yields_terminated()
    {
        var inbox = new Inbox(_a, "watcher");
        var remote = _a.Resolve(_b.Address + "/user/never-was");

        inbox.Ref.Tell(new WatchIt(remote));

        var terminated = await inbox.ExpectAsync<Terminated>();
        Assert.Equal(remote, terminated.ActorRef);
        Assert.False(terminated.ExistenceConfirmed);
    }

    [Fact]
    public async Task Unwatch_stops_the_remote_watch()
    {
        var target = _b.ActorOf(Props.Create(() => new SilentActor()), "watched");
        var inbox = new Inbox(_a, "watcher");
        var remote = RemoteRef(_a, target, _b);
        inbox.Ref.Tell(new WatchIt(remote));
        await Eventually.True(() => Extension.ClusterExtension.Get(_a).Remote.WatchedRemoteActors == 1, "watch registered");

        inbox.Ref.Tell(new UnwatchIt(remote));
        await Eventually.True(() => Extension.ClusterExtension.Get(_a).Remote.WatchedRemoteActors == 0, "watch removed");
        target.Tell(PoisonPill.Instance);

        await inbox.ExpectNothingAsync(TimeSpan.FromMilliseconds(700));
    }
}
