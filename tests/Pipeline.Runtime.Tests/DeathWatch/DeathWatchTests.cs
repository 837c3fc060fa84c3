using Pipeline.Runtime.Actors;
using Pipeline.TestKit;

namespace Pipeline.Runtime.Tests.DeathWatch;

public sealed class DeathWatchTests : ActorTestKit
{
    [Fact]
    public async Task Terminated_arrives_once_when_a_watched_actor_stops()
    {
        var target = Sys.ActorOf(Props.Create(() => new EchoActor()));
        TestActor.Watch(target);
        TestActor.Watch(target);
        Sys.Stop(target);
        var t = await TestActor.ExpectTerminatedAsync(target);
        Assert.True(t.ExistenceConfirmed);
        await TestActor.ExpectNoMsgAsync();
    }

    [Fact]
    public async Task Terminated_arrives_when_a_watched_actor_crashes_for_good()
    {
        AllowActorFailures<ActorKilledException>();
        var target = Sys.ActorOf(Props.Create(() => new EchoActor()));
        TestActor.Watch(target);
        target.Tell(Kill.Instance);
        await TestActor.ExpectTerminatedAsync(target);
    }

    [Fact]
    public async Task Watching_an_already_dead_actor_yields_Terminated()
    {
        var target = Sys.ActorOf(Props.Create(() => new EchoActor()));
        var probe = CreateTestProbe();
        probe.Watch(target);
        Sys.Stop(target);
        await probe.ExpectTerminatedAsync(target);
        TestActor.Watch(target);
        await TestActor.ExpectTerminatedAsync(target);
    }

    [Fact]
    public async Task Unwatch_prevents_Terminated()
    {
        var target = Sys.ActorOf(Props.Create(() => new EchoActor()));
        TestActor.Watch(target);
        TestActor.Unwatch(target);
        Sys.Stop(target);
        await TestActor.ExpectNoMsgAsync();
    }

    [Fact]
    public async Task Unhandled_Terminated_is_a_death_pact()
    {
        AllowActorFailures<DeathPactException>();
        var target = Sys.ActorOf(Props.Create(() => new EchoActor()));
        var watcher = Sys.ActorOf(Props.Create(() => new StrictWatcher(target)));
        TestActor.Watch(watcher);
        TestActor.Send(watcher, "ready?");
        await TestActor.ExpectMsgAsync("ready");
        Sys.Stop(target);
        await TestActor.ExpectTerminatedAsync(watcher);
    }

    [Fact]
    public async Task Messages_to_a_dead_actor_become_dead_letters()
    {
        var deadLetters = CreateTestProbe();
        Sys.EventStream.Subscribe(deadLetters.Ref, typeof(DeadLetter));
        var target = Sys.ActorOf(Props.Create(() => new EchoActor()));
        TestActor.Watch(target);
        Sys.Stop(target);
        await TestActor.ExpectTerminatedAsync(target);
        target.Tell("too late");
        var d = await deadLetters.ExpectMsgAsync<DeadLetter>();
        Assert.Equal("too late", d.Message);
        Assert.Equal(target, d.Recipient);
    }

    private sealed class StrictWatcher(IActorRef target) : ActorBase
    {
        protected override void PreStart() => Context.Watch(target);

        protected override bool Receive(object message)
        {
            if (message is "ready?")
            {
                Reply("ready");
                return true;
            }
            return false;
        }
    }
}
