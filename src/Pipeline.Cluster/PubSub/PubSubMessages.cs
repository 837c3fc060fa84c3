using Pipeline.Runtime.Actors;

namespace Pipeline.Cluster.PubSub;

/// <summary>Subscribes <paramref name="Ref"/> (a local actor) to <paramref name="Topic"/>; the mediator answers <see cref="SubscribeAck"/>.</summary>
public sealed record Subscribe(string Topic, IActorRef Ref);

/// <summary>Confirms a <see cref="Subscribe"/>: messages published from now on reach the subscriber.</summary>
public sealed record SubscribeAck(Subscribe Subscribe);

/// <summary>Removes a subscription; the mediator answers <see cref="UnsubscribeAck"/>.</summary>
public sealed record Unsubscribe(string Topic, IActorRef Ref);

/// <summary>Confirms an <see cref="Unsubscribe"/>.</summary>
public sealed record UnsubscribeAck(Unsubscribe Unsubscribe);

/// <summary>Sends <paramref name="Message"/> to every subscriber of <paramref name="Topic"/> on every node (the sender is kept).</summary>
public sealed record Publish(string Topic, object Message);

/// <summary>
/// A published message on its way to another node's mediator: serialized once by the publishing node, so the
/// payload is carried as is (serializer id, manifest, bytes) whatever its type.
/// </summary>
public sealed record TopicDelivery(string Topic, int SerializerId, string Manifest, byte[] Payload);
