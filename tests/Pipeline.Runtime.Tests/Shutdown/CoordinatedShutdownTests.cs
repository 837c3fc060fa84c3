using Pipeline.Runtime.Actors;
using Pipeline.Runtime.Shutdown;

namespace Pipeline.Runtime.Tests.Shutdown;

public sealed class CoordinatedShutdownTests
{
    [Fact]
    public async Task Phases_run_in_order_and_then_the_system_terminates()
    {
        var system = ActorSystem.Create("shutdown-order");
        var order = new System.Collections.Concurrent.ConcurrentQueue<string>();
        system.CoordinatedShutdown.AddTask(CoordinatedShutdown.Phases.ClusterLeave, "leave", _ => { order.Enqueue("leave"); return Task.CompletedTask; });
        system.CoordinatedShutdown.AddTask(CoordinatedShutdown.Phases.ServiceUnbind, "unbind", async _ => { await Task.Delay(20); order.Enqueue("unbind"); });
        system.CoordinatedShutdown.AddTask(CoordinatedShutdown.Phases.BeforeActorSystemTerminate, "last", _ => { order.Enqueue("last"); return Task.CompletedTask; });
        await system.Terminate();
        Assert.Equal(["unbind", "leave", "last"], order.ToArray());
        Assert.True(system.WhenTerminated.IsCompleted);
    }

    [Fact]
    public async Task A_phase_that_times_out_does_not_stop_the_shutdown()
    {
        var system = ActorSystem.Create("shutdown-timeout", ActorSystemSettings.Default with { ShutdownPhaseTimeout = TimeSpan.FromMilliseconds(100) });
        var after = false;
        system.CoordinatedShutdown.AddTask(CoordinatedShutdown.Phases.ServiceStop, "stuck", ct => Task.Delay(Timeout.Infinite, CancellationToken.None));
        system.CoordinatedShutdown.AddTask(CoordinatedShutdown.Phases.ClusterShutdown, "after", _ => { after = true; return Task.CompletedTask; });
        await system.Terminate().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(after);
    }

    [Fact]
    public async Task Running_twice_returns_the_same_run_and_late_tasks_are_refused()
    {
        var system = ActorSystem.Create("shutdown-twice");
        var first = system.CoordinatedShutdown.RunAsync(ShutdownReason.ProcessExit);
        var second = system.CoordinatedShutdown.RunAsync(ShutdownReason.ActorSystemTerminate);
        Assert.Same(first, second);
        Assert.Equal(ShutdownReason.ProcessExit, system.CoordinatedShutdown.Reason);
        Assert.Throws<InvalidOperationException>(() => system.CoordinatedShutdown.AddTask(CoordinatedShutdown.Phases.ServiceStop, "late", _ => Task.CompletedTask));
        await first;
        await system.WhenTerminated.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public void Unknown_phase_is_refused_with_the_list()
    {
        var system = ActorSystem.Create("shutdown-unknown");
        var e = Assert.Throws<ArgumentException>(() => system.CoordinatedShutdown.AddTask("nope", "x", _ => Task.CompletedTask));
        Assert.Contains("cluster-leave", e.Message);
        _ = system.Terminate();
    }

    [Fact]
    public async Task Terminate_stops_user_actors_before_system_actors()
    {
        var system = ActorSystem.Create("shutdown-guardians");
        var order = new System.Collections.Concurrent.ConcurrentQueue<string>();
        system.ActorOf(Props.Create(() => new Recorder(order, "user")));
        system.SystemActorOf(Props.Create(() => new Recorder(order, "system")));
        await system.Terminate();
        Assert.Equal(["user", "system"], order.ToArray());
    }

    private sealed class Recorder(System.Collections.Concurrent.ConcurrentQueue<string> order, string name) : ActorBase
    {
        protected override bool Receive(object message) => true;
        protected override void PostStop() => order.Enqueue(name);
    }
}
