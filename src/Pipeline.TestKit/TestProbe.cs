using System.Threading.Channels;
using Pipeline.Runtime.Actors;
using Xunit.Sdk;

namespace Pipeline.TestKit;

/// <summary>
/// An actor for tests: it records every message it receives (with its sender) and lets the test await them
/// with deadlines: <c>ExpectMsgAsync</c>, <c>ExpectNoMsgAsync</c>, <c>ExpectTerminatedAsync</c>,
/// <c>FishForMessageAsync</c>. It can watch actors, answer the last sender and send as itself.
/// </summary>
public sealed class TestProbe
{
    private readonly Channel<Received> _queue = Channel.CreateUnbounded<Received>(new UnboundedChannelOptions { SingleReader = true });

    internal TestProbe(ActorSystem system, string? name)
    {
        System = system;
        Ref = system.ActorOf(Props.Create(() => new ProbeActor(_queue.Writer)), name);
    }

    /// <summary>The probe's actor reference: give it to the code under test.</summary>
    public IActorRef Ref { get; }

    /// <summary>The system the probe lives in.</summary>
    public ActorSystem System { get; }

    /// <summary>The sender of the last message taken from the probe.</summary>
    public IActorRef? LastSender { get; private set; }

    /// <summary>The last message taken from the probe.</summary>
    public object? LastMessage { get; private set; }

    /// <summary>Sends a message with the probe as sender.</summary>
    public void Send(IActorRef target, object message) => target.Tell(message, Ref);

    /// <summary>Answers the sender of the last message.</summary>
    public void Reply(object message)
    {
        if (LastSender is null) throw new XunitException("Reply: the probe has not received a message yet.");
        LastSender.Tell(message, Ref);
    }

    /// <summary>Forwards the last message to <paramref name="target"/>, keeping its original sender.</summary>
    public void Forward(IActorRef target)
    {
        if (LastMessage is null) throw new XunitException("Forward: the probe has not received a message yet.");
        target.Tell(LastMessage, LastSender);
    }

    /// <summary>Watches an actor; its <see cref="Terminated"/> arrives in the probe.</summary>
    public IActorRef Watch(IActorRef target)
    {
        Ref.Tell(new ProbeActor.WatchCommand(target));
        return target;
    }

    /// <summary>Stops watching an actor.</summary>
    public IActorRef Unwatch(IActorRef target)
    {
        Ref.Tell(new ProbeActor.UnwatchCommand(target));
        return target;
    }

    /// <summary>Awaits the next message and checks that it is a <typeparamref name="T"/> (matching <paramref name="predicate"/>).</summary>
    public async Task<T> ExpectMsgAsync<T>(TimeSpan? timeout = null, Func<T, bool>? predicate = null, string? hint = null)
    {
        var limit = timeout ?? TestTimeouts.Default;
        var received = await NextAsync(limit, $"a message of type {typeof(T).Name}{(hint is null ? "" : " (" + hint + ")")}").ConfigureAwait(false);
        if (received.Message is not T typed)
            throw new XunitException($"Expected a message of type {typeof(T).Name} but received {Describe(received.Message)} from {received.Sender.Path}.");
        if (predicate is not null && !predicate(typed))
            throw new XunitException($"Received {Describe(received.Message)}, which does not match the expectation{(hint is null ? "" : " (" + hint + ")")}.");
        return typed;
    }

    /// <summary>Awaits the next message and checks that it equals <paramref name="expected"/>.</summary>
    public async Task<T> ExpectMsgAsync<T>(T expected, TimeSpan? timeout = null) where T : notnull
    {
        var limit = timeout ?? TestTimeouts.Default;
        var received = await NextAsync(limit, $"the message {Describe(expected)}").ConfigureAwait(false);
        if (!Equals(received.Message, expected))
            throw new XunitException($"Expected {Describe(expected)} but received {Describe(received.Message)} from {received.Sender.Path}.");
        return (T)received.Message;
    }

    /// <summary>Checks that no message arrives during <paramref name="duration"/>.</summary>
    public async Task ExpectNoMsgAsync(TimeSpan? duration = null)
    {
        var limit = duration ?? TestTimeouts.Dilated(TimeSpan.FromMilliseconds(300));
        using var cts = new CancellationTokenSource(limit);
        try
        {
            if (await _queue.Reader.WaitToReadAsync(cts.Token).ConfigureAwait(false) && _queue.Reader.TryRead(out var unexpected))
                throw new XunitException($"Expected no message for {limit.TotalMilliseconds:0} ms but received {Describe(unexpected.Message)} from {unexpected.Sender.Path}.");
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested)
        {
        }
    }

    /// <summary>Awaits the <see cref="Terminated"/> of a watched actor.</summary>
    public Task<Terminated> ExpectTerminatedAsync(IActorRef target, TimeSpan? timeout = null)
        => ExpectMsgAsync<Terminated>(timeout, t => t.ActorRef.Equals(target), $"Terminated of {target.Path}");

    /// <summary>Skips messages until one satisfies <paramref name="isTheOne"/>; fails at the deadline.</summary>
    public async Task<object> FishForMessageAsync(Func<object, bool> isTheOne, TimeSpan? timeout = null, string? hint = null)
    {
        var limit = timeout ?? TestTimeouts.Default;
        var deadline = DateTime.UtcNow + limit;
        var skipped = new List<string>();
        while (true)
        {
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero) left = TimeSpan.Zero;
            Received received;
            try
            {
                received = await NextAsync(left, hint ?? "a matching message").ConfigureAwait(false);
            }
            catch (XunitException)
            {
                throw new XunitException($"No matching message ({hint ?? "predicate"}) within {limit.TotalMilliseconds:0} ms; skipped: [{string.Join(", ", skipped)}].");
            }
            if (isTheOne(received.Message)) return received.Message;
            skipped.Add(Describe(received.Message));
        }
    }

    /// <summary>Skips messages until a <typeparamref name="T"/> satisfying <paramref name="isTheOne"/> arrives.</summary>
    public async Task<T> FishForMessageAsync<T>(Func<T, bool>? isTheOne = null, TimeSpan? timeout = null)
        => (T)await FishForMessageAsync(m => m is T t && (isTheOne is null || isTheOne(t)), timeout, typeof(T).Name).ConfigureAwait(false);

    /// <summary>Awaits <paramref name="count"/> messages of any type.</summary>
    public async Task<IReadOnlyList<object>> ReceiveNAsync(int count, TimeSpan? timeout = null)
    {
        var limit = timeout ?? TestTimeouts.Default;
        var deadline = DateTime.UtcNow + limit;
        var list = new List<object>(count);
        while (list.Count < count)
        {
            var left = deadline - DateTime.UtcNow;
            try
            {
                list.Add((await NextAsync(left > TimeSpan.Zero ? left : TimeSpan.Zero, "more messages").ConfigureAwait(false)).Message);
            }
            catch (XunitException)
            {
                throw new XunitException($"Expected {count} messages within {limit.TotalMilliseconds:0} ms but received {list.Count}.");
            }
        }
        return list;
    }

    private async Task<Received> NextAsync(TimeSpan timeout, string what)
    {
        if (_queue.Reader.TryRead(out var ready)) return Take(ready);
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            while (await _queue.Reader.WaitToReadAsync(cts.Token).ConfigureAwait(false))
                if (_queue.Reader.TryRead(out var received)) return Take(received);
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested)
        {
        }
        throw new XunitException($"Timeout ({timeout.TotalMilliseconds:0} ms) while waiting for {what} at {Ref.Path}.");
    }

    private Received Take(Received r)
    {
        LastMessage = r.Message;
        LastSender = r.Sender;
        return r;
    }

    private static string Describe(object? message) => message switch
    {
        null => "null",
        string s => $"\"{s}\"",
        _ => $"{message} ({message.GetType().Name})",
    };

    internal readonly record struct Received(object Message, IActorRef Sender);

    private sealed class ProbeActor(ChannelWriter<Received> writer) : ActorBase
    {
        public sealed record WatchCommand(IActorRef Target) : INoSerializationVerificationNeeded;
        public sealed record UnwatchCommand(IActorRef Target) : INoSerializationVerificationNeeded;

        protected override bool Receive(object message)
        {
            switch (message)
            {
                case WatchCommand w:
                    Context.Watch(w.Target);
                    break;
                case UnwatchCommand u:
                    Context.Unwatch(u.Target);
                    break;
                default:
                    writer.TryWrite(new Received(message, Sender));
                    break;
            }
            return true;
        }
    }
}
