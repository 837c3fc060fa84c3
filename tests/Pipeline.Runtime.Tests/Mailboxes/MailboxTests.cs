using Pipeline.Runtime.Actors;
using Pipeline.Runtime.Dispatch;
using Pipeline.TestKit;

namespace Pipeline.Runtime.Tests.Mailboxes;

public sealed class MailboxTests : ActorTestKit
{
    private sealed class GatedActor : ReceiveActor
    {
        public GatedActor(Task gate, IActorRef probe)
        {
            ReceiveAsync<string>(async s =>
            {
                if (s == "wait") await gate;
                probe.Tell(s);
            });
        }
    }

    /// <summary>A probe that receives every dead letter of the system.</summary>
    private TestProbe DeadLetterProbe()
    {
        var dead = CreateTestProbe();
        Sys.EventStream.Subscribe(dead.Ref, typeof(DeadLetter));
        return dead;
    }

    private IActorRef StartGated(MailboxSettings mailbox, TaskCompletionSource gate, TestProbe probe)
    {
        var actor = Sys.ActorOf(Props.Create(() => new GatedActor(gate.Task, probe.Ref)).WithMailbox(mailbox));
        actor.Tell("wait");
        return actor;
    }

    [Fact]
    public async Task Drop_newest_sends_the_arriving_message_to_dead_letters()
    {
        var probe = CreateTestProbe();
        var dead = DeadLetterProbe();
        var gate = new TaskCompletionSource();
        var actor = StartGated(MailboxSettings.Bounded(2, OverflowStrategy.DropNewest), gate, probe);
        await AwaitHelpers.AwaitConditionAsync(() => ((ActorCell)actor).Mailbox.NumberOfMessages == 0);
        actor.Tell("a");
        actor.Tell("b");
        actor.Tell("c");
        Assert.Equal("c", (await dead.ExpectMsgAsync<DeadLetter>()).Message);
        gate.SetResult();
        await probe.ExpectMsgAsync("wait");
        await probe.ExpectMsgAsync("a");
        await probe.ExpectMsgAsync("b");
        await probe.ExpectNoMsgAsync();
    }

    [Fact]
    public async Task Drop_oldest_evicts_the_head()
    {
        var probe = CreateTestProbe();
        var dead = DeadLetterProbe();
        var gate = new TaskCompletionSource();
        var actor = StartGated(MailboxSettings.Bounded(2, OverflowStrategy.DropOldest), gate, probe);
        await AwaitHelpers.AwaitConditionAsync(() => ((ActorCell)actor).Mailbox.NumberOfMessages == 0);
        actor.Tell("a");
        actor.Tell("b");
        actor.Tell("c");
        Assert.Equal("a", (await dead.ExpectMsgAsync<DeadLetter>()).Message);
        gate.SetResult();
        await probe.ExpectMsgAsync("wait");
        await probe.ExpectMsgAsync("b");
        await probe.ExpectMsgAsync("c");
    }

    [Fact]
    public async Task Fail_policy_throws_to_the_sender()
    {
        var probe = CreateTestProbe();
        var gate = new TaskCompletionSource();
        var actor = StartGated(MailboxSettings.Bounded(1, OverflowStrategy.Fail), gate, probe);
        await AwaitHelpers.AwaitConditionAsync(() => ((ActorCell)actor).Mailbox.NumberOfMessages == 0);
        actor.Tell("a");
        var e = Assert.Throws<MailboxOverflowException>(() => actor.Tell("b"));
        Assert.Contains("Fail", e.Message);
        gate.SetResult();
        await probe.ExpectMsgAsync("wait");
        await probe.ExpectMsgAsync("a");
    }

    [Fact]
    public async Task Backpressure_makes_TellAsync_wait_for_room_and_loses_nothing()
    {
        var probe = CreateTestProbe();
        var gate = new TaskCompletionSource();
        var actor = StartGated(MailboxSettings.Bounded(2, OverflowStrategy.Backpressure), gate, probe);
        await AwaitHelpers.AwaitConditionAsync(() => ((ActorCell)actor).Mailbox.NumberOfMessages == 0);
        await actor.TellAsync("a");
        await actor.TellAsync("b");
        var third = actor.TellAsync("c").AsTask();
        await Task.Delay(100);
        Assert.False(third.IsCompleted);
        Assert.Throws<MailboxOverflowException>(() => actor.Tell("plain"));
        gate.SetResult();
        await third;
        await probe.ExpectMsgAsync("wait");
        await probe.ExpectMsgAsync("a");
        await probe.ExpectMsgAsync("b");
        await probe.ExpectMsgAsync("c");
    }

    [Fact]
    public async Task TellAsync_respects_cancellation()
    {
        var probe = CreateTestProbe();
        var gate = new TaskCompletionSource();
        var actor = StartGated(MailboxSettings.Bounded(1, OverflowStrategy.Backpressure), gate, probe);
        await AwaitHelpers.AwaitConditionAsync(() => ((ActorCell)actor).Mailbox.NumberOfMessages == 0);
        await actor.TellAsync("a");
        using var cts = new CancellationTokenSource(50);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => actor.TellAsync("b", cancellationToken: cts.Token).AsTask());
        gate.SetResult();
    }

    [Fact]
    public void Unbounded_queue_keeps_fifo_order_across_segment_growth()
    {
        var queue = new MpscRingQueue<int>();
        for (var i = 0; i < 100_000; i++) queue.Enqueue(i);
        Assert.Equal(100_000, queue.Count);
        for (var i = 0; i < 100_000; i++)
        {
            Assert.True(queue.TryDequeue(out var v));
            Assert.Equal(i, v);
        }
        Assert.False(queue.TryDequeue(out _));
        Assert.False(queue.HasItems);
    }

    [Fact]
    public async Task Unbounded_queue_keeps_per_producer_order_under_concurrency()
    {
        var queue = new MpscRingQueue<(int Producer, int Seq)>();
        const int producers = 4, perProducer = 200_000;
        var tasks = Enumerable.Range(0, producers).Select(p => Task.Run(() =>
        {
            for (var i = 0; i < perProducer; i++) queue.Enqueue((p, i));
        })).ToArray();
        var next = new int[producers];
        var total = 0;
        while (total < producers * perProducer)
        {
            if (queue.TryDequeue(out var item))
            {
                Assert.Equal(next[item.Producer], item.Seq);
                next[item.Producer]++;
                total++;
            }
            else
            {
                await Task.Yield();
            }
        }
        await Task.WhenAll(tasks);
        Assert.False(queue.TryDequeue(out _));
    }

    /// <summary>Tells its probe when a gated turn has begun, so a test can act while that turn is in flight.</summary>
    private sealed class SignallingGatedActor : ReceiveActor
    {
        public SignallingGatedActor(Task gate, IActorRef probe)
        {
            ReceiveAsync<string>(async s =>
            {
                if (s == "wait")
                {
                    probe.Tell("entered");
                    await gate;
                }
                probe.Tell(s);
            });
        }
    }

    [Fact]
    public async Task System_messages_are_processed_before_user_messages()
    {
        var probe = CreateTestProbe();
        var dead = DeadLetterProbe();
        var gate = new TaskCompletionSource();
        var actor = Sys.ActorOf(Props.Create(() => new SignallingGatedActor(gate.Task, probe.Ref)));
        actor.Tell("wait");
        // Only once the gated turn is under way: before that a stop could overtake "wait" as well, and
        // without the signal the turn could still be short of its await when the gate opens.
        await probe.ExpectMsgAsync("entered");
        actor.Tell("queued");
        TestActor.Watch(actor);
        Sys.Stop(actor); // a system message: it overtakes "queued"
        gate.SetResult();
        await TestActor.ExpectTerminatedAsync(actor);
        Assert.Equal("queued", (await dead.ExpectMsgAsync<DeadLetter>()).Message);
        await probe.ExpectNoMsgAsync();
    }

    /// <summary>Queues a message to itself and then stops itself, both within one turn.</summary>
    private sealed class SelfStoppingActor : ReceiveActor
    {
        public SelfStoppingActor(IActorRef probe)
        {
            Receive<string>(s =>
            {
                probe.Tell(s);
                if (s != "go") return;
                Self.Tell("queued");
                Context.Stop(Self);
            });
        }
    }

    [Fact]
    public async Task A_stop_overtakes_a_user_message_queued_before_it()
    {
        var probe = CreateTestProbe();
        var dead = DeadLetterProbe();
        var actor = Sys.ActorOf(Props.Create(() => new SelfStoppingActor(probe.Ref)));
        TestActor.Watch(actor);
        actor.Tell("go");
        await probe.ExpectMsgAsync("go");
        await TestActor.ExpectTerminatedAsync(actor);
        Assert.Equal("queued", (await dead.ExpectMsgAsync<DeadLetter>()).Message);
        await probe.ExpectNoMsgAsync();
    }
}
