using Pipeline.Runtime.Actors;
using Pipeline.Runtime.Scheduling;
using Pipeline.TestKit;

namespace Pipeline.Runtime.Tests.Scheduling;

public sealed class SchedulerTests : ActorTestKit
{
    public SchedulerTests() : base(settings: ActorSystemSettings.Default with { TimeProvider = new ManualTimeProvider() }) { }

    private ManualTimeProvider Time => (ManualTimeProvider)Sys.TimeProvider;

    [Fact]
    public async Task ScheduleTellOnce_fires_at_its_time_and_only_once()
    {
        Sys.Scheduler.ScheduleTellOnce(TimeSpan.FromSeconds(5), TestActor.Ref, "tick", null);
        Time.Advance(TimeSpan.FromSeconds(4.9));
        await TestActor.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(100));
        Time.Advance(TimeSpan.FromSeconds(0.1));
        await TestActor.ExpectMsgAsync("tick");
        Time.Advance(TimeSpan.FromMinutes(1));
        await TestActor.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public async Task ScheduleTellRepeatedly_fires_every_interval_until_cancelled()
    {
        var c = Sys.Scheduler.ScheduleTellRepeatedly(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TestActor.Ref, "tick", null);
        Time.Advance(TimeSpan.FromSeconds(5)); // fires at 1, 3, 5
        await TestActor.ExpectMsgAsync("tick");
        await TestActor.ExpectMsgAsync("tick");
        await TestActor.ExpectMsgAsync("tick");
        Assert.True(c.Cancel());
        Time.Advance(TimeSpan.FromSeconds(10));
        await TestActor.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(100));
        Assert.True(c.IsCancellationRequested);
    }

    [Fact]
    public async Task Cancelled_before_due_never_fires()
    {
        var c = Sys.Scheduler.ScheduleTellOnce(TimeSpan.FromSeconds(1), TestActor.Ref, "tick", null);
        Assert.True(c.Cancel());
        Assert.False(c.Cancel());
        Time.Advance(TimeSpan.FromSeconds(2));
        await TestActor.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public async Task Receive_timeout_fires_after_idle_time_and_is_reset_by_messages()
    {
        var actor = Sys.ActorOf(Props.Create(() => new Idle(TestActor.Ref)));
        TestActor.Send(actor, "ping"); // sets the timeout to 10 s, answers "pong"
        await TestActor.ExpectMsgAsync("pong");
        await SyncAsync(actor);
        Time.Advance(TimeSpan.FromSeconds(6));
        TestActor.Send(actor, "ping");
        await TestActor.ExpectMsgAsync("pong");
        await SyncAsync(actor);
        Time.Advance(TimeSpan.FromSeconds(6)); // 6 s since the last message: no timeout yet
        await TestActor.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(100));
        Time.Advance(TimeSpan.FromSeconds(4));
        await TestActor.ExpectMsgAsync("timeout");
    }

    [Fact]
    public async Task Ask_timeouts_run_on_the_system_clock()
    {
        var silent = Sys.ActorOf(Props.Create(() => new Idle(TestActor.Ref)));
        var ask = Runtime.Patterns.AskExtensions.Ask<object>(silent, "silence", TimeSpan.FromSeconds(30));
        await Task.Delay(50);
        Assert.False(ask.IsCompleted);
        Time.Advance(TimeSpan.FromSeconds(31));
        await Assert.ThrowsAsync<Runtime.Patterns.AskTimeoutException>(() => ask);
    }

    /// <summary>
    /// Returns once the actor has finished the messages sent before: as Akka does, a message counts as activity when
    /// its handler has returned, which is after the handler's reply. Advancing the virtual clock between the two
    /// would move the activity forward. <see cref="Sync"/> does not count as activity itself.
    /// </summary>
    private async Task SyncAsync(IActorRef actor)
    {
        TestActor.Send(actor, new Sync());
        await TestActor.ExpectMsgAsync("synced");
    }

    private sealed record Sync : INotInfluenceReceiveTimeout;

    private sealed class Idle(IActorRef probe) : ReceiveActor
    {
        protected override void PreStart()
        {
            Become(() =>
            {
                Receive<string>(s => s == "ping", _ =>
                {
                    Context.SetReceiveTimeout(TimeSpan.FromSeconds(10));
                    Reply("pong");
                });
                Receive<string>(s => s == "silence", _ => { });
                Receive<Sync>(_ => Reply("synced"));
                Receive<ReceiveTimeout>(_ => probe.Tell("timeout"));
            });
        }
    }
}
