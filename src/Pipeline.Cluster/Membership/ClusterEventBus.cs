using Microsoft.Extensions.Logging;
using Pipeline.Cluster.Membership.Events;

namespace Pipeline.Cluster.Membership;

/// <summary>
/// Delivers cluster events to subscribers in order. A new subscriber first gets the current state, under the
/// same lock as publishing, so it neither misses nor repeats an event. Handlers must not block (the kernel
/// forwards them to actor mailboxes); a throwing handler is logged and kept.
/// </summary>
internal sealed class ClusterEventBus
{
    private readonly object _gate = new();
    private readonly List<Action<ClusterEvent>> _subscribers = [];
    private readonly ILogger _logger;

    internal ClusterEventBus(ILogger logger) => _logger = logger;

    /// <summary>Subscribes <paramref name="handler"/>: it receives <paramref name="currentState"/> now, then every event.</summary>
    internal IDisposable Subscribe(Action<ClusterEvent> handler, Func<CurrentClusterState> currentState)
    {
        ArgumentNullException.ThrowIfNull(handler);
        lock (_gate)
        {
            Deliver(handler, currentState());
            _subscribers.Add(handler);
        }
        return new Subscription(this, handler);
    }

    /// <summary>Publishes events in order to every subscriber.</summary>
    internal void Publish(IEnumerable<ClusterEvent> events)
    {
        lock (_gate)
        {
            foreach (var e in events)
                foreach (var handler in _subscribers) Deliver(handler, e);
        }
    }

    private void Deliver(Action<ClusterEvent> handler, ClusterEvent e)
    {
        try
        {
            handler(e);
        }
        catch (Exception ex)
        {
            _logger.LogError(ex, "A cluster event subscriber threw on {Event}", e.GetType().Name);
        }
    }

    private sealed class Subscription(ClusterEventBus bus, Action<ClusterEvent> handler) : IDisposable
    {
        public void Dispose()
        {
            lock (bus._gate) bus._subscribers.Remove(handler);
        }
    }
}
