using System.Threading.Channels;
using Pipeline.Runtime.Actors;

namespace Pipeline.Cluster.Tests.Remoting;

/// <summary>A probe actor for multi-system tests: records what it receives (and from whom) and lets the test await it.</summary>
public sealed class Inbox
{
    private readonly Channel<(object Message, IActorRef? Sender)> _received = Channel.CreateUnbounded<(object, IActorRef?)>();

    public Inbox(ActorSystem system, string name)
    {
        var writer = _received.Writer;
        Ref = system.ActorOf(Props.Create(() => new InboxActor(writer)), name);
    }

    public IActorRef Ref { get; }

    public IActorRef? LastSender { get; private set; }

    public async Task<T> ExpectAsync<T>(TimeSpan? timeout = null)
    {
        var message = await NextAsync(timeout);
        return message is T typed ? typed : throw new InvalidOperationException($"Expected a {typeof(T).Name} but received {message.GetType().Name}: {message}");
    }

    public async Task<object> NextAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(ClusterTestSettings.Dilated(timeout ?? TimeSpan.FromSeconds(10)));
        try
        {
            var (message, sender) = await _received.Reader.ReadAsync(cts.Token);
            LastSender = sender;
            return message;
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"{Ref.Path} received nothing in time.");
        }
    }

    /// <summary>Skips messages until one of type <typeparamref name="T"/> matches.</summary>
    public async Task<T> FishAsync<T>(Func<T, bool>? match = null, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + ClusterTestSettings.Dilated(timeout ?? TimeSpan.FromSeconds(20));
        while (true)
        {
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero) throw new TimeoutException($"{Ref.Path} did not receive the expected {typeof(T).Name} in time.");
            if (await NextAsync(left) is T typed && (match is null || match(typed))) return typed;
        }
    }

    public async Task ExpectNothingAsync(TimeSpan duration)
    {
        using var cts = new CancellationTokenSource(duration);
        try
        {
            var (message, _) = await _received.Reader.ReadAsync(cts.Token);
            throw new InvalidOperationException($"Expected no message but {Ref.Path} received {message}");
        }
        catch (OperationCanceledException)
        {
            // nothing came: as expected
        }
    }

    private sealed class InboxActor(ChannelWriter<(object, IActorRef?)> writer) : ActorBase
    {
        protected override bool Receive(object message)
        {
            switch (message)
            {
                case WatchIt w:
                    Context.Watch(w.Target);
                    return true;
                case UnwatchIt u:
                    Context.Unwatch(u.Target);
                    return true;
                default:
                    writer.TryWrite((message, Sender));
                    return true;
            }
        }
    }
}

/// <summary>Makes an inbox watch an actor (its Terminated then arrives in the inbox).</summary>
public sealed record WatchIt(IActorRef Target) : INoSerializationVerificationNeeded;

/// <summary>Makes an inbox stop watching an actor.</summary>
public sealed record UnwatchIt(IActorRef Target) : INoSerializationVerificationNeeded;
