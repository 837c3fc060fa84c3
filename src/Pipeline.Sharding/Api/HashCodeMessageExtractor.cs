using System.Globalization;

namespace Pipeline.Sharding.Api;

/// <summary>
/// The default extractor: the shard id is a stable hash of the entity id modulo <see cref="MaxShards"/> (Akka's
/// HashCodeMessageExtractor, without its per-process randomized string hash). Entity ids come from
/// <see cref="ShardingEnvelope"/>/<see cref="StartEntity"/>, or from the function given to the constructor for
/// the application's own messages; override <see cref="EntityId"/> and <see cref="EntityMessage"/> for more.
/// Rule of thumb (as in Akka): about ten times as many shards as the largest planned number of nodes.
/// </summary>
public class HashCodeMessageExtractor : IMessageExtractor
{
    private readonly Func<object, string?>? _entityIdOf;
    private readonly string[] _shardIds;

    /// <summary>Creates the extractor.</summary>
    /// <param name="maxShards">Number of shards (at least 1); never change it while data exists: ids would move.</param>
    /// <param name="entityIdOf">Entity id of application messages (null: only envelopes are routable).</param>
    public HashCodeMessageExtractor(int maxShards, Func<object, string?>? entityIdOf = null)
    {
        if (maxShards < 1) throw new ArgumentOutOfRangeException(nameof(maxShards), maxShards, "maxShards must be at least 1 (about ten times the largest planned number of nodes).");
        MaxShards = maxShards;
        _entityIdOf = entityIdOf;
        _shardIds = new string[maxShards];
        for (var i = 0; i < maxShards; i++) _shardIds[i] = i.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>The number of shards.</summary>
    public int MaxShards { get; }

    /// <inheritdoc />
    public virtual string? EntityId(object message) => message switch
    {
        ShardingEnvelope e => e.EntityId,
        StartEntity s => s.EntityId,
        _ => _entityIdOf?.Invoke(message),
    };

    /// <inheritdoc />
    public virtual object EntityMessage(object message) => message is ShardingEnvelope e ? e.Message : message;

    /// <inheritdoc />
    public string ShardId(string entityId, object? message = null)
    {
        ArgumentNullException.ThrowIfNull(entityId);
        return _shardIds[StableHash.Fnv1a(entityId) % (uint)MaxShards];
    }
}
