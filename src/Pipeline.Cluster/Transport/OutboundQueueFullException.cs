namespace Pipeline.Cluster.Transport;

/// <summary>A send met a full outbound queue whose policy is <see cref="OverflowPolicy.Fail"/>.</summary>
public sealed class OutboundQueueFullException : Exception
{
    /// <summary>Creates the exception naming the peer and the capacity.</summary>
    public OutboundQueueFullException(string peer, int capacity)
        : base($"The outbound queue to {peer} is full ({capacity} messages; OverflowPolicy.Fail). The peer is slow or unreachable; retry later or raise OutboundQueueCapacity.")
    {
        Peer = peer;
        Capacity = capacity;
    }

    /// <summary>The peer whose queue is full.</summary>
    public string Peer { get; }

    /// <summary>The queue's capacity.</summary>
    public int Capacity { get; }
}
