using Pipeline.Runtime.Actors;
using Pipeline.Runtime.Dispatch;
using Pipeline.Runtime.Patterns;
using Pipeline.TestKit;

namespace Pipeline.Runtime.Tests.Dispatch;

/// <summary>
/// A backlog larger than the dispatcher's throughput is processed over many turns, each ending with the
/// mailbox going idle and rescheduling itself: order, system-message priority and suspension must hold across
/// those turn boundaries.
/// </summary>
public sealed class MailboxTurnTests : ActorTestKit
{
    private sealed class Recorder : ReceiveActor
    {
        public Recorder(Task gate, IActorRef probe, int stopAt)
        {
            ReceiveAsync<string>(async _ => await gate, s => s == "wait");
            Receive<int>(i =>
            {
                probe.Tell(i);
                if (i == stopAt) Context.Stop(Self);
            });
        }
    }

    private IActorRef StartBacklogged(int throughput, int messages, int stopAt, TestProbe probe)
    {
        var id = $"turns-{throughput}-{stopAt}";
        Sys.Dispatchers.Register(new ThreadPoolDispatcher(id, throughput));
        var gate = new TaskCompletionSource();
        var actor = Sys.ActorOf(Props.Create(() => new Recorder(gate.Task, probe.Ref, stopAt)).WithDispatcher(id));
        actor.Tell("wait");
        for (var i = 0; i < messages; i++) actor.Tell(i);
        gate.SetResult();
        return actor;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public async Task A_backlog_processed_over_many_turns_keeps_fifo_order(int throughput)
    {
        var probe = CreateTestProbe();
        StartBacklogged(throughput, 500, stopAt: -1, probe);
        for (var i = 0; i < 500; i++) Assert.Equal(i, await probe.ExpectMsgAsync<int>());
        await probe.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(100));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public async Task A_stop_sent_during_a_backlog_overtakes_the_rest_of_it(int throughput)
    {
        var probe = CreateTestProbe();
        var actor = StartBacklogged(throughput, 200, stopAt: 10, probe);
        TestActor.Watch(actor);
        for (var i = 0; i <= 10; i++) Assert.Equal(i, await probe.ExpectMsgAsync<int>());
        await TestActor.ExpectTerminatedAsync(actor);
        await probe.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public async Task A_failure_during_a_backlog_suspends_the_chained_turns_until_the_restart()
    {
        AllowActorFailures<InvalidOperationException>();
        var probe = CreateTestProbe();
        Sys.Dispatchers.Register(new ThreadPoolDispatcher("turns-failing", 1));
        var gate = new TaskCompletionSource();
        var actor = Sys.ActorOf(Props.Create(() => new FailingRecorder(gate.Task, probe.Ref)).WithDispatcher("turns-failing"));
        actor.Tell("wait");
        for (var i = 0; i < 50; i++) actor.Tell(i);
        gate.SetResult();
        // 0..4 processed, 5 throws (restart: the instance is new, the mailbox keeps the rest), then 6..49 in order
        for (var i = 0; i < 5; i++) Assert.Equal(i, await probe.ExpectMsgAsync<int>());
        Assert.Equal("restarted", await probe.ExpectMsgAsync<string>());
        for (var i = 6; i < 50; i++) Assert.Equal(i, await probe.ExpectMsgAsync<int>());
    }

    private sealed class FailingRecorder : ReceiveActor
    {
        public FailingRecorder(Task gate, IActorRef probe)
        {
            ReceiveAsync<string>(async _ => await gate, s => s == "wait");
            Receive<int>(i =>
            {
                if (i == 5) throw new InvalidOperationException("boom at 5");
                probe.Tell(i);
            });
            _probe = probe;
        }

        private readonly IActorRef _probe;

        protected override void PostRestart(Exception reason)
        {
            _probe.Tell("restarted");
            base.PostRestart(reason);
        }
    }

    private sealed class Echo : ActorBase
    {
        protected override bool Receive(object message)
        {
            Sender.Tell(message, Self);
            return true;
        }
    }

    [Fact]
    public async Task A_message_sent_while_the_actor_goes_idle_is_never_stranded()
    {
        // Every ask finds the echo actor idle or going idle: the producer's enqueue-then-check-status races the
        // consumer's clear-status-then-check-queue each time. A missed wakeup strands the message (ask timeout).
        var echo = Sys.ActorOf(Props.Create(static () => new Echo()));
        for (var i = 0; i < 50_000; i++)
            Assert.Equal(i, await echo.Ask<int>(i, TimeSpan.FromSeconds(5)));
    }
}
