using Pipeline.Runtime.Actors;
using Pipeline.TestKit;

namespace Pipeline.Runtime.Tests.Actors;

public sealed class LifecycleTests : ActorTestKit
{
    [Fact]
    public async Task PoisonPill_is_processed_after_earlier_messages()
    {
        var probe = CreateTestProbe();
        var actor = Sys.ActorOf(Props.Create(() => new ReportingActor(probe.Ref, "")));
        actor.Tell("a");
        actor.Tell("b");
        actor.Tell(PoisonPill.Instance);
        actor.Tell("c");
        await probe.ExpectMsgAsync("prestart");
        await probe.ExpectMsgAsync("a");
        await probe.ExpectMsgAsync("b");
        await probe.ExpectMsgAsync("poststop");
        await probe.ExpectNoMsgAsync();
    }

    [Fact]
    public async Task Stopping_a_parent_stops_children_first()
    {
        var probe = CreateTestProbe();
        var parent = Sys.ActorOf(Props.Create(() => new ParentWithChild(probe.Ref)));
        await probe.ExpectMsgAsync("prestart-child");
        Sys.Stop(parent);
        await probe.ExpectMsgAsync("poststop-child");
        await probe.ExpectMsgAsync("poststop-parent");
    }

    [Fact]
    public async Task Identify_answers_with_the_ref()
    {
        var echo = Sys.ActorOf(Props.Create(() => new EchoActor()), "known");
        TestActor.Send(echo, new Identify(42));
        var id = await TestActor.ExpectMsgAsync<ActorIdentity>();
        Assert.Equal(42L, Convert.ToInt64(id.MessageId));
        Assert.Equal(echo, id.Subject);
    }

    [Fact]
    public async Task Children_and_paths_are_consistent()
    {
        var probe = CreateTestProbe();
        var parent = Sys.ActorOf(Props.Create(() => new ParentWithChild(probe.Ref)), "family");
        await probe.ExpectMsgAsync("prestart-child");
        Assert.Equal("/user/family", parent.Path.ToStringWithoutAddress());
        var child = await new ActorSelection[] { Sys.ActorSelection("/user/family/kid") }[0].ResolveOne(TimeSpan.FromSeconds(3));
        Assert.Equal("/user/family/kid", child.Path.ToStringWithoutAddress());
        Assert.Equal(parent.Path, child.Path.Parent);
    }

    [Fact]
    public async Task Become_and_unbecome_switch_behaviour()
    {
        var actor = Sys.ActorOf(Props.Create(() => new Switcher()));
        TestActor.Send(actor, "state");
        await TestActor.ExpectMsgAsync("normal");
        TestActor.Send(actor, "excite");
        TestActor.Send(actor, "state");
        await TestActor.ExpectMsgAsync("excited");
        TestActor.Send(actor, "calm");
        TestActor.Send(actor, "state");
        await TestActor.ExpectMsgAsync("normal");
    }

    [Fact]
    public async Task Stash_and_unstash_keep_order()
    {
        var actor = Sys.ActorOf(Props.Create(() => new Gate()));
        TestActor.Send(actor, 1);
        TestActor.Send(actor, 2);
        TestActor.Send(actor, 3);
        await TestActor.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(100));
        TestActor.Send(actor, "open");
        TestActor.Send(actor, 4);
        await TestActor.ExpectMsgAsync(1);
        await TestActor.ExpectMsgAsync(2);
        await TestActor.ExpectMsgAsync(3);
        await TestActor.ExpectMsgAsync(4);
    }

    [Fact]
    public async Task Stash_is_bounded()
    {
        AllowActorFailures<StashOverflowException>();
        var failures = CreateTestProbe();
        Sys.EventStream.Subscribe<Runtime.Events.ActorFailed>(f => failures.Ref.Tell(f.Cause.GetType().Name));
        var actor = Sys.ActorOf(Props.Create(() => new Gate()).WithStashCapacity(2));
        actor.Tell(1);
        actor.Tell(2);
        actor.Tell(3);
        Assert.Equal(nameof(StashOverflowException), await failures.ExpectMsgAsync<string>());
    }

    [Fact]
    public async Task Stashed_messages_survive_a_restart()
    {
        AllowActorFailures<InvalidOperationException>();
        var actor = Sys.ActorOf(Props.Create(() => new Gate()));
        TestActor.Send(actor, 1);
        TestActor.Send(actor, 2);
        TestActor.Send(actor, "crash");
        TestActor.Send(actor, "open");
        await TestActor.ExpectMsgAsync(1);
        await TestActor.ExpectMsgAsync(2);
    }

    [Fact]
    public async Task ReceiveAsync_keeps_message_order_and_sees_its_sender()
    {
        var actor = Sys.ActorOf(Props.Create(() => new SlowAsync()));
        for (var i = 0; i < 20; i++) TestActor.Send(actor, i);
        for (var i = 0; i < 20; i++) await TestActor.ExpectMsgAsync($"done {i}");
    }

    [Fact]
    public async Task ReceiveAsync_failure_goes_to_the_supervisor()
    {
        AllowActorFailures<InvalidOperationException>();
        var actor = Sys.ActorOf(Props.Create(() => new SlowAsync()));
        TestActor.Watch(actor);
        TestActor.Send(actor, -1);
        TestActor.Send(actor, 5);
        // Restarted by /user's default strategy; the next message is handled by the new instance.
        await TestActor.ExpectMsgAsync("done 5");
    }

    [Fact]
    public async Task Receive_with_predicate_falls_through_and_unhandled_is_published()
    {
        var unhandled = CreateTestProbe();
        Sys.EventStream.Subscribe(unhandled.Ref, typeof(UnhandledMessage));
        var actor = Sys.ActorOf(Props.Create(() => new Picky()));
        TestActor.Send(actor, 5);
        TestActor.Send(actor, 50);
        TestActor.Send(actor, "?");
        await TestActor.ExpectMsgAsync("small 5");
        await TestActor.ExpectMsgAsync("big 50");
        var u = await unhandled.ExpectMsgAsync<UnhandledMessage>();
        Assert.Equal("?", u.Message);
    }

    private sealed class ParentWithChild(IActorRef probe) : ActorBase
    {
        protected override void PreStart() => Context.ActorOf(Props.Create(() => new ReportingActor(probe, "-child")), "kid");
        protected override void PostStop() => probe.Tell("poststop-parent");
        protected override bool Receive(object message) => true;
    }

    private sealed class Switcher : ReceiveActor
    {
        public Switcher() => Normal();

        private void Normal()
        {
            Receive<string>(s => s == "state", _ => Reply("normal"));
            Receive<string>(s => s == "excite", _ => BecomeStacked(Excited));
        }

        private void Excited()
        {
            Receive<string>(s => s == "state", _ => Reply("excited"));
            Receive<string>(s => s == "calm", _ => UnbecomeStacked());
        }
    }

    private sealed class Gate : ReceiveActor
    {
        public Gate()
        {
            Receive<int>(_ => Stash.Stash());
            Receive<string>(s => s == "crash", _ => throw new InvalidOperationException("crash"));
            Receive<string>(s => s == "open", _ =>
            {
                Become(() => Receive<int>(i => Reply(i)));
                Stash.UnstashAll();
            });
        }
    }

    private sealed class SlowAsync : ReceiveActor
    {
        public SlowAsync()
        {
            ReceiveAsync<int>(async i =>
            {
                var sender = Sender;
                await Task.Delay(Math.Abs(i % 3));
                await Task.Yield();
                if (i < 0) throw new InvalidOperationException("async boom");
                Assert.Equal(sender, Sender);
                Reply($"done {i}");
            });
        }
    }

    private sealed class Picky : ReceiveActor
    {
        public Picky()
        {
            Receive<int>(i => i < 10, i => Reply($"small {i}"));
            Receive<int>(i => { Reply($"big {i}"); return true; });
        }
    }
}
