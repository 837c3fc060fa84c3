namespace Pipeline.Cluster.Membership.Store;

/// <summary>
/// Optional capability of a membership store: it tells when the table changed (PostgreSQL LISTEN/NOTIFY), so that a
/// node reads a vote, a Down or a removal at once instead of at its next refresh. Notifications may be coalesced or
/// lost while the feed reconnects: the periodic refresh remains the safety net.
/// </summary>
public interface IMembershipChangeFeed
{
    /// <summary>
    /// Listens for committed changes of this cluster's table (by any node) and calls <paramref name="onChange"/> for
    /// each (and once when listening starts); runs until cancelled, and throws when the connection fails.
    /// </summary>
    Task ListenAsync(Action onChange, CancellationToken cancellationToken);
}
