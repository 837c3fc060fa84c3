using Microsoft.Extensions.Logging;
using Pipeline.Cluster.Extension;
using Pipeline.Cluster.Membership;
using Pipeline.Cluster.Remoting;
using Pipeline.Runtime.Actors;

namespace Pipeline.Cluster.PubSub;

/// <summary>
/// Cluster-wide publish/subscribe (Akka's DistributedPubSubMediator, without registry gossip): every node runs
/// one mediator (<see cref="ClusterExtension.PubSubMediator"/>) that holds its local subscribers per topic. A
/// <see cref="Publish"/> is delivered to the local subscribers and sent, serialized once, to the mediator of
/// every other live member, which delivers it to its own. Delivery is at most once, like any remote message;
/// a subscriber that stops is removed.
/// </summary>
public sealed class TopicMediator : ActorBase
{
    /// <summary>The mediator's name under /system on every node.</summary>
    public const string Name = "cluster-pubsub";

    private readonly Dictionary<string, HashSet<IActorRef>> _topics = new(StringComparer.Ordinal);
    private ClusterExtension? _cluster;

    /// <summary>Props of the mediator (the cluster extension starts it).</summary>
    public static Props Props() => Runtime.Actors.Props.Create(static () => new TopicMediator());

    /// <inheritdoc />
    protected override void PreStart() => _cluster = ClusterExtension.Get(Context.System);

    /// <inheritdoc />
    protected override bool Receive(object message)
    {
        switch (message)
        {
            case Subscribe s when string.IsNullOrEmpty(s.Topic) || s.Ref is null:
                Context.Log.LogWarning("Ignored a subscription without topic or subscriber from {Sender}", Sender.Path);
                return true;
            case Subscribe s:
                if (!_topics.TryGetValue(s.Topic, out var subscribers)) _topics[s.Topic] = subscribers = [];
                if (subscribers.Add(s.Ref)) Context.Watch(s.Ref);
                Sender.Tell(new SubscribeAck(s), Self);
                return true;
            case Unsubscribe u:
                Remove(u.Topic, u.Ref);
                Sender.Tell(new UnsubscribeAck(u), Self);
                return true;
            case Publish p:
                DeliverLocally(p.Topic, p.Message, Sender);
                Broadcast(p);
                return true;
            case TopicDelivery d:
                DeliverLocally(d.Topic, Context.System.Serialization.Deserialize(d.SerializerId, d.Manifest, d.Payload), Sender);
                return true;
            case Terminated t:
                foreach (var topic in _topics.Keys.ToList()) Remove(topic, t.ActorRef);
                return true;
            default:
                return false;
        }
    }

    private void DeliverLocally(string topic, object message, IActorRef? sender)
    {
        if (!_topics.TryGetValue(topic, out var subscribers)) return;
        foreach (var subscriber in subscribers) subscriber.Tell(message, sender);
    }

    private void Broadcast(Publish publish)
    {
        var cluster = _cluster!;
        var peers = cluster.Members.Where(m => m.Node != cluster.SelfAddress && m.Status.IsLive()).ToList();
        if (peers.Count == 0) return;
        var payload = Context.System.Serialization.Serialize(publish.Message);
        var delivery = new TopicDelivery(publish.Topic, payload.SerializerId, payload.Manifest, payload.Bytes.ToArray());
        foreach (var peer in peers)
        {
            var mediator = Context.System.Resolve(RemoteActorRefProvider.ToAddress(peer.Node.Address) + "/system/" + Name);
            mediator.Tell(delivery, Sender);
        }
        Context.Log.LogDebug("Published to topic {Topic} on {Peers} other nodes", publish.Topic, peers.Count);
    }

    private void Remove(string topic, IActorRef subscriber)
    {
        if (!_topics.TryGetValue(topic, out var subscribers) || !subscribers.Remove(subscriber)) return;
        if (subscribers.Count == 0) _topics.Remove(topic);
        if (!_topics.Values.Any(s => s.Contains(subscriber))) Context.Unwatch(subscriber);
    }
}
