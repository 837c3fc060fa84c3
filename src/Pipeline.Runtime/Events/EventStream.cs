using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Pipeline.Runtime.Actors;

namespace Pipeline.Runtime.Events;

/// <summary>
/// The system-wide publish/subscribe bus, by type: a subscriber to a type receives every event of that type
/// or of a subtype (dead letters, unhandled messages, actor failures, cluster events later). Subscribers are
/// actors (they receive the event as a message) or delegates (for tests and infrastructure).
/// Publishing is lock-free: subscriptions are copied on change and looked up per event type from a cache.
/// </summary>
public sealed class EventStream
{
    private readonly ILogger _log;
    private readonly Lock _lock = new();
    private readonly ConcurrentDictionary<Type, Subscription[]> _cache = new();
    private Subscription[] _subscriptions = [];

    /// <summary>Creates an event stream.</summary>
    public EventStream(ILogger log) => _log = log;

    /// <summary>Subscribes an actor to events of <paramref name="channel"/> (and its subtypes).</summary>
    public bool Subscribe(IActorRef subscriber, Type channel)
    {
        ArgumentNullException.ThrowIfNull(subscriber);
        ArgumentNullException.ThrowIfNull(channel);
        lock (_lock)
        {
            if (_subscriptions.Any(s => s.Channel == channel && Equals(s.Actor, subscriber))) return false;
            Replace([.. _subscriptions, new Subscription(channel, subscriber, null)]);
            return true;
        }
    }

    /// <summary>Subscribes a delegate to events of type <typeparamref name="T"/>; dispose the result to unsubscribe.</summary>
    public IDisposable Subscribe<T>(Action<T> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        var subscription = new Subscription(typeof(T), null, e => handler((T)e));
        lock (_lock) Replace([.. _subscriptions, subscription]);
        return new Unsubscriber(this, subscription);
    }

    /// <summary>Unsubscribes an actor from one channel, or from all when <paramref name="channel"/> is null.</summary>
    public bool Unsubscribe(IActorRef subscriber, Type? channel = null)
    {
        lock (_lock)
        {
            var kept = _subscriptions.Where(s => !(Equals(s.Actor, subscriber) && (channel is null || s.Channel == channel))).ToArray();
            if (kept.Length == _subscriptions.Length) return false;
            Replace(kept);
            return true;
        }
    }

    /// <summary>Publishes an event to every subscriber of its type or a base type.</summary>
    public void Publish(object @event)
    {
        ArgumentNullException.ThrowIfNull(@event);
        var type = @event.GetType();
        if (!_cache.TryGetValue(type, out var targets)) targets = Resolve(type);
        List<Subscription>? dead = null;
        foreach (var s in targets)
        {
            if (s.Actor is { } actor)
            {
                if (actor is InternalActorRef { IsTerminated: true }) (dead ??= new()).Add(s);
                else actor.Tell(@event, null);
                continue;
            }
            try
            {
                s.Handler!(@event);
            }
            catch (Exception e)
            {
                _log.LogError(e, "An event-stream subscriber for {Channel} threw", s.Channel.Name);
            }
        }
        if (dead is not null)
        {
            lock (_lock) Replace(_subscriptions.Except(dead).ToArray());
        }
    }

    private Subscription[] Resolve(Type type)
    {
        lock (_lock)
        {
            var matching = _subscriptions.Where(s => s.Channel.IsAssignableFrom(type)).ToArray();
            _cache[type] = matching;
            return matching;
        }
    }

    private void Replace(Subscription[] subscriptions)
    {
        _subscriptions = subscriptions;
        _cache.Clear();
    }

    private void Remove(Subscription subscription)
    {
        lock (_lock) Replace(_subscriptions.Where(s => !ReferenceEquals(s, subscription)).ToArray());
    }

    private sealed record Subscription(Type Channel, IActorRef? Actor, Action<object>? Handler);

    private sealed class Unsubscriber(EventStream stream, Subscription subscription) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0) stream.Remove(subscription);
        }
    }
}
