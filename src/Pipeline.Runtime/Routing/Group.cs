namespace Pipeline.Runtime.Routing;

/// <summary>
/// A router over existing actors named by path (absolute, <c>/user/workers/w1</c>, or with an address,
/// <c>pipeline://sys@host:port/user/w1</c>). Each path becomes an <see cref="ActorSelectionRoutee"/>, resolved on
/// every send, so members may live anywhere and may be re-created; the router does not own, supervise or watch
/// them, and it keeps running when they stop.
/// </summary>
public abstract class Group : RouterConfig
{
    private readonly string[] _paths;

    /// <summary>Checks and stores the member paths.</summary>
    private protected Group(IEnumerable<string> paths)
    {
        ArgumentNullException.ThrowIfNull(paths);
        _paths = [.. paths];
        if (_paths.Length == 0) throw new ArgumentException("A group router needs at least one routee path.", nameof(paths));
        foreach (var path in _paths)
        {
            if (string.IsNullOrWhiteSpace(path))
                throw new ArgumentException("A group routee path must not be empty.", nameof(paths));
            if (!path.StartsWith('/') && !path.Contains("://", StringComparison.Ordinal))
                throw new ArgumentException($"Group routee path '{path}' must be absolute (start with '/' or an address such as 'pipeline://system/').", nameof(paths));
        }
    }

    /// <summary>The member paths, in routing order.</summary>
    public IReadOnlyList<string> Paths => _paths;

    /// <inheritdoc />
    public override bool StopRouterWhenAllRouteesRemoved => false;

    /// <summary>The props of a router actor over the member paths.</summary>
    public Actors.Props Props() => Actors.Props.Create(() => new RouterActor(this, null));
}
