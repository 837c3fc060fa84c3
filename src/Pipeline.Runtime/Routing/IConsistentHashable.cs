namespace Pipeline.Runtime.Routing;

/// <summary>
/// A message that names its own consistent-hashing key, so that a consistent-hashing router sends all messages
/// with the same key (a data source, a tenant, an entity id) to the same routee.
/// </summary>
public interface IConsistentHashable
{
    /// <summary>The key; messages with equal keys (by their text form) go to the same routee.</summary>
    object ConsistentHashKey { get; }
}
