using Pipeline.Sharding.Api;

namespace Pipeline.Sharding.Internal;

/// <summary>Extraction shared by regions and shards: envelopes and StartEntity first, then the user's extractor.</summary>
internal static class MessageRouting
{
    public static bool TryExtract(IMessageExtractor extractor, object message, out string entityId, out string shardId, out object payload)
    {
        if (!TryExtractEntity(extractor, message, out entityId, out payload))
        {
            shardId = "";
            return false;
        }
        shardId = extractor.ShardId(entityId, payload);
        return !string.IsNullOrEmpty(shardId);
    }

    /// <summary>Entity id and payload only (inside a shard, where the shard is known).</summary>
    public static bool TryExtractEntity(IMessageExtractor extractor, object message, out string entityId, out object payload)
    {
        string? id;
        switch (message)
        {
            case ShardingEnvelope e:
                id = e.EntityId;
                payload = e.Message;
                break;
            case StartEntity s:
                id = s.EntityId;
                payload = s;
                break;
            default:
                id = extractor.EntityId(message);
                payload = id is null ? message : extractor.EntityMessage(message);
                break;
        }
        entityId = id ?? "";
        return entityId.Length > 0;
    }

    /// <summary>A child name for an id (actor names cannot hold '/', '#', spaces or start with '$').</summary>
    public static string ChildName(string id) => Uri.EscapeDataString(id);
}
