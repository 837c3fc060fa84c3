namespace Pipeline.Sharding.Rebalance;

/// <summary>The answer to a sharding command that was refused, with the reason (serializable, unlike an exception).</summary>
public sealed record ShardingCommandFailed(string Command, string Reason);
