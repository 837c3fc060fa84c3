using Pipeline.Runtime.Actors;
using Pipeline.Runtime.Patterns;
using Pipeline.TestKit;

namespace Pipeline.Runtime.Tests.Actors;

public sealed class TellAndAskTests : ActorTestKit
{
    [Fact]
    public async Task Tell_delivers_with_sender_and_the_receiver_can_reply()
    {
        var echo = Sys.ActorOf(Props.Create(() => new EchoActor()), "echo");
        TestActor.Send(echo, new Ping(1));
        await TestActor.ExpectMsgAsync(new Ping(1));
        Assert.Equal(echo, TestActor.LastSender);
    }

    [Fact]
    public async Task Messages_from_one_sender_arrive_in_order()
    {
        var probe = CreateTestProbe();
        var actor = Sys.ActorOf(Props.Create(() => new ReportingActor(probe.Ref, "")));
        await probe.ExpectMsgAsync("prestart");
        for (var i = 0; i < 10_000; i++) actor.Tell(i);
        for (var i = 0; i < 10_000; i++) await probe.ExpectMsgAsync(i);
    }

    [Fact]
    public async Task Ask_returns_the_answer()
    {
        var echo = Sys.ActorOf(Props.Create(() => new EchoActor()));
        var answer = await echo.Ask<Pong>(new Pong(7), TimeSpan.FromSeconds(3));
        Assert.Equal(new Pong(7), answer);
    }

    [Fact]
    public async Task Ask_timeout_names_target_and_timeout()
    {
        var silent = Sys.ActorOf(Props.Create(() => new SilentActor()), "silent");
        var e = await Assert.ThrowsAsync<AskTimeoutException>(() => silent.Ask<object>("hello", TimeSpan.FromMilliseconds(100)));
        Assert.Contains("/user/silent", e.Message);
        Assert.Contains("100 ms", e.Message);
        Assert.Contains("String", e.Message);
    }

    [Fact]
    public async Task Ask_with_status_failure_throws_its_exception()
    {
        var failing = Sys.ActorOf(Props.Create(() => new FailureReplier()));
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => failing.Ask<object>("x", TimeSpan.FromSeconds(3)));
        Assert.Equal("no", e.Message);
    }

    [Fact]
    public async Task Ask_can_be_cancelled()
    {
        var silent = Sys.ActorOf(Props.Create(() => new SilentActor()));
        using var cts = new CancellationTokenSource(50);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => silent.Ask<object>("x", TimeSpan.FromSeconds(30), cts.Token));
    }

    [Fact]
    public async Task Ask_of_wrong_type_says_what_came()
    {
        var echo = Sys.ActorOf(Props.Create(() => new EchoActor()));
        var e = await Assert.ThrowsAsync<InvalidCastException>(() => echo.Ask<Pong>(new Ping(1), TimeSpan.FromSeconds(3)));
        Assert.Contains("Ping", e.Message);
    }

    [Fact]
    public async Task Forward_keeps_the_original_sender()
    {
        var echo = Sys.ActorOf(Props.Create(() => new EchoActor()));
        var forwarder = Sys.ActorOf(Props.Create(() => new Forwarder(echo)));
        TestActor.Send(forwarder, new Forwarded("hi"));
        await TestActor.ExpectMsgAsync(new Forwarded("hi"));
        Assert.Equal(echo, TestActor.LastSender);
    }

    [Fact]
    public async Task Tell_without_sender_makes_replies_dead_letters()
    {
        var probe = CreateTestProbe();
        Sys.EventStream.Subscribe(probe.Ref, typeof(DeadLetter));
        var echo = Sys.ActorOf(Props.Create(() => new EchoActor()));
        echo.Tell("nobody will read this");
        var d = await probe.ExpectMsgAsync<DeadLetter>();
        Assert.Equal("nobody will read this", d.Message);
    }

    [Fact]
    public void Null_message_is_rejected()
    {
        var echo = Sys.ActorOf(Props.Create(() => new EchoActor()));
        Assert.Throws<InvalidMessageException>(() => echo.Tell(null!));
    }

    [Fact]
    public void Duplicate_and_invalid_names_are_rejected()
    {
        Sys.ActorOf(Props.Create(() => new EchoActor()), "same");
        Assert.Throws<InvalidActorNameException>(() => Sys.ActorOf(Props.Create(() => new EchoActor()), "same"));
        Assert.Throws<InvalidActorNameException>(() => Sys.ActorOf(Props.Create(() => new EchoActor()), "a/b"));
        Assert.Throws<InvalidActorNameException>(() => Sys.ActorOf(Props.Create(() => new EchoActor()), "$x"));
    }

    [Fact]
    public async Task Context_is_not_available_in_the_constructor()
    {
        AllowActorFailures<ActorInitializationException>();
        var probe = CreateTestProbe();
        Sys.EventStream.Subscribe<Runtime.Events.ActorFailed>(f => probe.Ref.Tell(f.Cause.InnerException?.Message ?? ""));
        Sys.ActorOf(Props.Create(() => new ContextInConstructor()));
        var message = await probe.ExpectMsgAsync<string>();
        Assert.Contains("PreStart", message);
    }

    private sealed class SilentActor : ActorBase
    {
        protected override bool Receive(object message) => true;
    }

    private sealed class FailureReplier : ActorBase
    {
        protected override bool Receive(object message)
        {
            Reply(new Status.Failure(new InvalidOperationException("no")));
            return true;
        }
    }

    private sealed class Forwarder(IActorRef target) : ReceiveActor
    {
        private readonly IActorRef _target = target;

        protected override void PreStart() => Become(() => ReceiveAny(m => _target.Tell(m, Sender)));
    }

    private sealed class ContextInConstructor : ActorBase
    {
        public ContextInConstructor() => _ = Context.Self;

        protected override bool Receive(object message) => true;
    }
}
