using Pipeline.Cluster.Addressing;

namespace Pipeline.Cluster.Transport;

/// <summary>
/// Everything this node keeps per peer address: the bounded outbound queue (it outlives connections) and the
/// one current connection. Fields are guarded by locking the association.
/// </summary>
internal sealed class Association
{
    private TaskCompletionSource<UniqueAddress> _connected = NewSignal();

    public Association(NodeAddress remote, OutboundQueue queue)
    {
        Remote = remote;
        Queue = queue;
    }

    public NodeAddress Remote { get; }

    public OutboundQueue Queue { get; }

    /// <summary>The connection whose writer drains <see cref="Queue"/>, or null while there is none.</summary>
    public Connection? Current { get; private set; }

    /// <summary>The public handle on this association, created on first request.</summary>
    public RemotePeer? Peer { get; set; }

    /// <summary>True while a dial loop runs for this peer.</summary>
    public bool Connecting { get; set; }

    /// <summary>Callers of ConnectAsync waiting now (they keep the dial loop going while the queue is empty).</summary>
    public int PendingConnects { get; set; }

    /// <summary>Completes when a connection is adopted.</summary>
    public Task<UniqueAddress> Connected => _connected.Task;

    public void SetCurrent(Connection connection)
    {
        Current = connection;
        _connected.TrySetResult(connection.Remote);
    }

    /// <summary>Forgets <paramref name="connection"/> if it is current; true when it was.</summary>
    public bool ClearIfCurrent(Connection connection)
    {
        if (!ReferenceEquals(Current, connection)) return false;
        Current = null;
        if (_connected.Task.IsCompleted) _connected = NewSignal();
        return true;
    }

    private static TaskCompletionSource<UniqueAddress> NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
