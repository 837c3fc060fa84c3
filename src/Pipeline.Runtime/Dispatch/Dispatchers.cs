using System.Collections.Concurrent;

namespace Pipeline.Runtime.Dispatch;

/// <summary>
/// The dispatchers of an actor system by id: "default" (thread pool), "pinned" (a thread per actor), and any
/// the application registers. Props name their dispatcher by id.
/// </summary>
public sealed class Dispatchers
{
    /// <summary>The id of the pinned dispatcher.</summary>
    public const string PinnedDispatcherId = "pinned";

    private readonly ConcurrentDictionary<string, MessageDispatcher> _byId = new(StringComparer.Ordinal);

    internal Dispatchers(int defaultThroughput, int pinnedThroughput)
    {
        Default = new ThreadPoolDispatcher(Actors.Props.DefaultDispatcherId, defaultThroughput);
        _byId[Default.Id] = Default;
        _byId[PinnedDispatcherId] = new PinnedDispatcher(PinnedDispatcherId, pinnedThroughput);
    }

    /// <summary>The default thread-pool dispatcher.</summary>
    public MessageDispatcher Default { get; }

    /// <summary>Registers a dispatcher; throws if the id is taken.</summary>
    public void Register(MessageDispatcher dispatcher)
    {
        ArgumentNullException.ThrowIfNull(dispatcher);
        if (!_byId.TryAdd(dispatcher.Id, dispatcher))
            throw new ArgumentException($"A dispatcher with id '{dispatcher.Id}' is already registered.", nameof(dispatcher));
    }

    /// <summary>Finds a dispatcher; throws naming the known ids when it does not exist.</summary>
    public MessageDispatcher Lookup(string id)
    {
        if (_byId.TryGetValue(id, out var d)) return d;
        throw new ArgumentException($"Unknown dispatcher '{id}'. Known: {string.Join(", ", _byId.Keys.Order())}. Register it with ActorSystem.Dispatchers.Register first.", nameof(id));
    }

    internal void Shutdown()
    {
        foreach (var d in _byId.Values) d.Shutdown();
    }
}
