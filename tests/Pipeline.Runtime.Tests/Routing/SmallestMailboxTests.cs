using Pipeline.Runtime.Actors;
using Pipeline.Runtime.Routing;
using Pipeline.TestKit;

namespace Pipeline.Runtime.Tests.Routing;

/// <summary>The smallest-mailbox ranking against real local mailboxes.</summary>
public sealed class SmallestMailboxTests : ActorTestKit
{
    private readonly TaskCompletionSource _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private async Task<IActorRef> BusyWorkerAsync(TestProbe probe, int queued)
    {
        var worker = Sys.ActorOf(Props.Create(() => new Worker(probe.Ref, null, _gate.Task)));
        worker.Tell(new Block());
        await AwaitHelpers.AwaitConditionAsync(() => ((ActorCell)worker).Mailbox.IsSuspended, message: "the worker is busy on its Block");
        for (var i = 0; i < queued; i++) worker.Tell(new Work(i));
        return worker;
    }

    public override async Task DisposeAsync()
    {
        _gate.TrySetResult();
        await base.DisposeAsync();
    }

    [Fact]
    public async Task Prefers_the_fewest_queued_messages_then_an_idle_routee_and_ranks_unknown_routees_last()
    {
        var probe = CreateTestProbe();
        var five = new ActorRefRoutee(await BusyWorkerAsync(probe, 5));
        var two = new ActorRefRoutee(await BusyWorkerAsync(probe, 2));
        var idle = new ActorRefRoutee(Sys.ActorOf(Props.Create(() => new Worker(probe.Ref, null, null))));
        var byPath = new ActorSelectionRoutee(Sys.ActorSelection("/user/somewhere"));
        var logic = new SmallestMailboxRoutingLogic();

        for (var i = 0; i < 4; i++)
        {
            Assert.Same(two, logic.Select("m", [five, two]));
            Assert.Same(idle, logic.Select("m", [five, two, idle]));
            Assert.Same(two, logic.Select("m", [byPath, five, two]));
        }
    }

    [Fact]
    public async Task A_stopped_routee_ranks_behind_a_busy_one()
    {
        var probe = CreateTestProbe();
        var busy = new ActorRefRoutee(await BusyWorkerAsync(probe, 3));
        var deadRef = Sys.ActorOf(Props.Create(() => new Worker(probe.Ref, null, null)));
        TestActor.Watch(deadRef);
        Sys.Stop(deadRef);
        await TestActor.ExpectTerminatedAsync(deadRef);
        var logic = new SmallestMailboxRoutingLogic();
        for (var i = 0; i < 4; i++) Assert.Same(busy, logic.Select("m", [new ActorRefRoutee(deadRef), busy]));
    }
}
