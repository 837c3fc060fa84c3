using Pipeline.Runtime.Actors;
using Pipeline.Runtime.Supervision;
using Pipeline.TestKit;

namespace Pipeline.Runtime.Tests.Supervision;

public sealed class SupervisionTests : ActorTestKit
{
    /// <summary>A parent that creates children reporting to a probe, with a given strategy.</summary>
    private sealed class Parent(SupervisorStrategy strategy, IActorRef probe, int children) : ActorBase
    {
        protected override void PreStart()
        {
            for (var i = 0; i < children; i++)
            {
                var tag = i.ToString(System.Globalization.CultureInfo.InvariantCulture);
                Context.ActorOf(Props.Create(() => new ReportingActor(probe, tag)), "c" + tag);
            }
        }

        protected override bool Receive(object message)
        {
            if (message is string name) Reply(Context.Child(name)!);
            return true;
        }

        protected override SupervisorStrategy SupervisorStrategy() => strategy;
    }

    private async Task<(IActorRef Parent, IActorRef[] Children)> StartFamily(SupervisorStrategy strategy, TestProbe probe, int children)
    {
        var parent = Sys.ActorOf(Props.Create(() => new Parent(strategy, probe.Ref, children)));
        var starts = await probe.ReceiveNAsync(children);
        Assert.All(starts, s => Assert.StartsWith("prestart", (string)s));
        var refs = new IActorRef[children];
        for (var i = 0; i < children; i++)
        {
            TestActor.Send(parent, "c" + i);
            refs[i] = await TestActor.ExpectMsgAsync<IActorRef>();
        }
        return (parent, refs);
    }

    [Fact]
    public async Task Resume_keeps_the_instance_and_its_state()
    {
        AllowActorFailures<InvalidOperationException>();
        var probe = CreateTestProbe();
        var (_, c) = await StartFamily(new OneForOneStrategy(_ => Directive.Resume), probe, 1);
        c[0].Tell("throw");
        c[0].Tell("after");
        await probe.ExpectMsgAsync("after");
        await probe.ExpectNoMsgAsync();
    }

    [Fact]
    public async Task Restart_creates_a_new_instance_and_keeps_the_mailbox()
    {
        AllowActorFailures<InvalidOperationException>();
        var probe = CreateTestProbe();
        var (_, c) = await StartFamily(new OneForOneStrategy(_ => Directive.Restart), probe, 1);
        c[0].Tell("throw");
        c[0].Tell("after");
        await probe.ExpectMsgAsync("prerestart0");
        await probe.ExpectMsgAsync("poststop0");
        await probe.ExpectMsgAsync("postrestart0");
        await probe.ExpectMsgAsync("prestart0");
        await probe.ExpectMsgAsync("after");
    }

    [Fact]
    public async Task Stop_stops_the_child_and_watchers_see_it()
    {
        AllowActorFailures<InvalidOperationException>();
        var probe = CreateTestProbe();
        var (_, c) = await StartFamily(new OneForOneStrategy(_ => Directive.Stop), probe, 1);
        TestActor.Watch(c[0]);
        c[0].Tell("throw");
        await probe.ExpectMsgAsync("poststop0");
        await TestActor.ExpectTerminatedAsync(c[0]);
    }

    [Fact]
    public async Task Escalate_fails_the_parent_whose_supervisor_restarts_it()
    {
        AllowActorFailures<InvalidOperationException>();
        var probe = CreateTestProbe();
        var (parent, c) = await StartFamily(new OneForOneStrategy(_ => Directive.Escalate), probe, 1);
        c[0].Tell("throw");
        // The parent is restarted by /user (default strategy): its default PreRestart stops the child,
        // and the new parent instance creates a fresh child.
        await probe.FishForMessageAsync(m => (m as string) == "poststop0");
        await probe.FishForMessageAsync(m => (m as string) == "prestart0");
        TestActor.Send(parent, "c0");
        var fresh = await TestActor.ExpectMsgAsync<IActorRef>();
        Assert.NotEqual(c[0].Path.Uid, fresh.Path.Uid);
    }

    [Fact]
    public async Task Decider_chooses_by_exception_type()
    {
        AllowActorFailures<Exception>();
        var probe = CreateTestProbe();
        var strategy = new OneForOneStrategy(e => e is ArgumentException ? Directive.Stop : Directive.Resume);
        var (_, c) = await StartFamily(strategy, probe, 1);
        TestActor.Watch(c[0]);
        c[0].Tell("throw");
        c[0].Tell("still-alive");
        await probe.ExpectMsgAsync("still-alive");
        c[0].Tell("throw-arg");
        await TestActor.ExpectTerminatedAsync(c[0]);
    }

    [Fact]
    public async Task AllForOne_restarts_every_child()
    {
        AllowActorFailures<InvalidOperationException>();
        var probe = CreateTestProbe();
        var (_, c) = await StartFamily(new AllForOneStrategy(_ => Directive.Restart), probe, 2);
        c[0].Tell("throw");
        var seen = new HashSet<string>();
        while (!(seen.Contains("postrestart0") && seen.Contains("postrestart1")))
            seen.Add((string)await probe.ExpectMsgAsync<string>());
        Assert.Contains("prerestart1", seen);
    }

    [Fact]
    public async Task AllForOne_stop_stops_every_child()
    {
        AllowActorFailures<InvalidOperationException>();
        var probe = CreateTestProbe();
        var (_, c) = await StartFamily(new AllForOneStrategy(_ => Directive.Stop), probe, 2);
        TestActor.Watch(c[0]);
        TestActor.Watch(c[1]);
        c[1].Tell("throw");
        var dead = new[] { (await TestActor.ExpectMsgAsync<Terminated>()).ActorRef, (await TestActor.ExpectMsgAsync<Terminated>()).ActorRef };
        Assert.Contains(c[0], dead);
        Assert.Contains(c[1], dead);
    }

    [Fact]
    public async Task Restart_budget_spent_within_window_stops_the_child()
    {
        AllowActorFailures<InvalidOperationException>();
        var probe = CreateTestProbe();
        var (_, c) = await StartFamily(new OneForOneStrategy(2, TimeSpan.FromMinutes(1), _ => Directive.Restart), probe, 1);
        TestActor.Watch(c[0]);
        c[0].Tell("throw");
        await probe.FishForMessageAsync(m => (m as string) == "postrestart0");
        c[0].Tell("throw");
        await probe.FishForMessageAsync(m => (m as string) == "postrestart0");
        c[0].Tell("throw");
        await TestActor.ExpectTerminatedAsync(c[0]);
    }

    [Fact]
    public async Task Constructor_failure_becomes_ActorInitializationException_with_the_cause()
    {
        AllowActorFailures<ActorInitializationException>();
        var failures = CreateTestProbe();
        Sys.EventStream.Subscribe<Runtime.Events.ActorFailed>(f => failures.Ref.Tell(f.Cause.GetType().Name + "|" + f.Cause.InnerException?.Message));
        var actor = Sys.ActorOf(Props.Create<ActorBase>(() => throw new FormatException("bad config")), "broken");
        TestActor.Watch(actor);
        Assert.Equal("ActorInitializationException|bad config", await failures.ExpectMsgAsync<string>());
        await TestActor.ExpectTerminatedAsync(actor); // the default decider stops it
    }

    [Fact]
    public async Task Kill_fails_the_actor_and_the_default_stops_it()
    {
        AllowActorFailures<ActorKilledException>();
        var probe = CreateTestProbe();
        var actor = Sys.ActorOf(Props.Create(() => new ReportingActor(probe.Ref, "")));
        await probe.ExpectMsgAsync("prestart");
        TestActor.Watch(actor);
        actor.Tell("before");
        actor.Tell(Kill.Instance);
        actor.Tell("after-kill");
        await probe.ExpectMsgAsync("before");
        await probe.ExpectMsgAsync("poststop");
        await TestActor.ExpectTerminatedAsync(actor);
    }
}
