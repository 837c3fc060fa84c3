namespace Pipeline.Streams.Connectors.RabbitMq;

/// <summary>A message to publish: the routing key (the queue for the default exchange, the partition key "0".."N-1" for a super stream) and the body.</summary>
internal readonly record struct RabbitOutgoing(string RoutingKey, ReadOnlyMemory<byte> Body);
