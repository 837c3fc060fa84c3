namespace Pipeline.Runtime.Routing;

/// <summary>
/// Sends messages with the same key to the same routee, using a hash ring with virtual nodes. The key comes from
/// the hash mapping when it knows the message, else from <see cref="IConsistentHashable"/> (which
/// <see cref="ConsistentHashableEnvelope"/> implements). Messages without a key go nowhere
/// (<see cref="NoRoutee"/>: the router dead-letters them). The ring is rebuilt only when the routees change.
/// </summary>
public sealed class ConsistentHashingRoutingLogic : RoutingLogic
{
    /// <summary>Akka's default number of ring points per routee.</summary>
    public const int DefaultVirtualNodesFactor = 10;

    private readonly ConsistentHashMapping? _hashMapping;
    private Routee[]? _ringFor;
    private ConsistentHashRing? _ring;

    /// <summary>Creates the logic.</summary>
    /// <param name="virtualNodesFactor">Ring points per routee (at least 1); more points spread keys more evenly.</param>
    /// <param name="hashMapping">Optional key extraction for messages that do not carry a key themselves.</param>
    public ConsistentHashingRoutingLogic(int virtualNodesFactor = DefaultVirtualNodesFactor, ConsistentHashMapping? hashMapping = null)
    {
        if (virtualNodesFactor < 1)
            throw new ArgumentOutOfRangeException(nameof(virtualNodesFactor), virtualNodesFactor, "The virtual nodes factor must be at least 1.");
        VirtualNodesFactor = virtualNodesFactor;
        _hashMapping = hashMapping;
    }

    /// <summary>Ring points per routee.</summary>
    public int VirtualNodesFactor { get; }

    /// <summary>The key of a message, or null when it has none.</summary>
    public object? KeyFor(object message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return _hashMapping?.Invoke(message) ?? (message as IConsistentHashable)?.ConsistentHashKey;
    }

    /// <inheritdoc />
    public override Routee Select(object message, Routee[] routees)
    {
        if (routees.Length == 0) return NoRoutee.Instance;
        var key = KeyFor(message);
        if (key is null) return NoRoutee.Instance;
        if (!ReferenceEquals(routees, _ringFor))
        {
            _ring = new ConsistentHashRing(routees, VirtualNodesFactor);
            _ringFor = routees;
        }
        return _ring!.NodeFor(key);
    }
}
