using Pipeline.Runtime.Actors;
using Pipeline.TestKit;
using Xunit.Sdk;

namespace Pipeline.Runtime.Tests.TestKit;

/// <summary>The TestKit's own guarantees: a test with an unexpected actor failure, or a system that cannot stop, fails.</summary>
public sealed class ActorTestKitTests
{
    private sealed class Harness : ActorTestKit
    {
        public Harness(TimeSpan? shutdown = null) : base() => Shutdown = shutdown ?? TimeSpan.FromSeconds(5);

        private TimeSpan Shutdown { get; }

        protected override TimeSpan ShutdownTimeout => Shutdown;

        public ActorSystem System => Sys;

        public TestProbe Probe(string? name = null) => CreateTestProbe(name);

        public void Allow<T>() where T : Exception => AllowActorFailures<T>();
    }

    private sealed class Thrower : ActorBase
    {
        protected override bool Receive(object message) => throw new InvalidOperationException("unexpected");
    }

    private sealed class Blocker : ActorBase
    {
        protected override bool Receive(object message) => true;

        protected override void PostStop()
        {
            using var never = new ManualResetEventSlim(false);
            never.Wait(TimeSpan.FromSeconds(3));
        }
    }

    [Fact]
    public async Task An_unexpected_actor_failure_fails_the_test()
    {
        var kit = new Harness();
        var failures = kit.Probe();
        kit.System.EventStream.Subscribe(failures.Ref, typeof(Runtime.Events.ActorFailed));
        kit.System.ActorOf(Props.Create(() => new Thrower())).Tell("go");
        await failures.ExpectMsgAsync<Runtime.Events.ActorFailed>();
        var e = await Assert.ThrowsAsync<XunitException>(() => kit.DisposeAsync());
        Assert.Contains("InvalidOperationException", e.Message);
    }

    [Fact]
    public async Task An_allowed_failure_does_not_fail_the_test()
    {
        var kit = new Harness();
        kit.Allow<InvalidOperationException>();
        var failures = kit.Probe();
        kit.System.EventStream.Subscribe(failures.Ref, typeof(Runtime.Events.ActorFailed));
        kit.System.ActorOf(Props.Create(() => new Thrower())).Tell("go");
        await failures.ExpectMsgAsync<Runtime.Events.ActorFailed>();
        await kit.DisposeAsync();
    }

    [Fact]
    public async Task A_system_that_does_not_terminate_in_time_fails_the_test()
    {
        var kit = new Harness(TimeSpan.FromMilliseconds(500));
        kit.System.ActorOf(Props.Create(() => new Blocker()));
        var e = await Assert.ThrowsAsync<XunitException>(() => kit.DisposeAsync());
        Assert.Contains("did not terminate", e.Message);
    }

    [Fact]
    public async Task Probe_expectations_fail_with_what_was_received()
    {
        var kit = new Harness();
        var probe = kit.Probe();
        probe.Ref.Tell("other");
        var wrong = await Assert.ThrowsAsync<XunitException>(() => probe.ExpectMsgAsync("expected", TimeSpan.FromSeconds(1)));
        Assert.Contains("\"other\"", wrong.Message);
        var none = await Assert.ThrowsAsync<XunitException>(() => probe.ExpectMsgAsync<int>(TimeSpan.FromMilliseconds(100)));
        Assert.Contains("Timeout", none.Message);
        probe.Ref.Tell("late");
        await Assert.ThrowsAsync<XunitException>(() => probe.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(300)));
        await kit.DisposeAsync();
    }
}
