using System.Collections.Concurrent;
using Pipeline.Cluster.Membership;
using Pipeline.Cluster.Membership.Events;
using Pipeline.Runtime.Actors;

namespace Pipeline.Cluster.Extension;

/// <summary>
/// Actor subscriptions to cluster events: each subscriber gets the current state first (as a snapshot or as
/// events), then the events of the types it asked for, in order, with nothing missed in between.
/// </summary>
internal sealed class ClusterSubscriptions
{
    private readonly ConcurrentDictionary<IActorRef, IDisposable> _subscriptions = new();

    public void Subscribe(MembershipAgent agent, IActorRef subscriber, InitialStateMode initialState, Type[] to)
    {
        var first = true;
        IDisposable? handle = null;
        handle = agent.Subscribe(e =>
        {
            if (subscriber is InternalActorRef { IsTerminated: true })
            {
                // a dead subscriber: stop delivering (the handle is set once Subscribe returns)
                if (handle is not null && _subscriptions.TryRemove(new KeyValuePair<IActorRef, IDisposable>(subscriber, handle))) handle.Dispose();
                return;
            }
            if (first && e is CurrentClusterState state)
            {
                first = false;
                if (initialState == InitialStateMode.AsSnapshot) subscriber.Tell(state);
                else foreach (var initial in AsEvents(state)) Deliver(subscriber, initial, to);
                return;
            }
            Deliver(subscriber, e, to);
        });
        if (_subscriptions.TryGetValue(subscriber, out var previous) && _subscriptions.TryUpdate(subscriber, handle, previous)) previous.Dispose();
        else if (!_subscriptions.TryAdd(subscriber, handle)) handle.Dispose();
    }

    public void Unsubscribe(IActorRef subscriber)
    {
        if (_subscriptions.TryRemove(subscriber, out var handle)) handle.Dispose();
    }

    public void Clear()
    {
        foreach (var subscriber in _subscriptions.Keys) Unsubscribe(subscriber);
    }

    private static void Deliver(IActorRef subscriber, ClusterEvent e, Type[] to)
    {
        foreach (var type in to)
        {
            if (!type.IsInstanceOfType(e)) continue;
            subscriber.Tell(e);
            return;
        }
    }

    /// <summary>The current state told as the events that would have led to it.</summary>
    internal static IEnumerable<ClusterEvent> AsEvents(CurrentClusterState state)
    {
        foreach (var member in state.Members)
        {
            yield return member.Status switch
            {
                MemberStatus.Joining => new MemberJoined(member),
                MemberStatus.Up => new MemberUp(member),
                MemberStatus.Leaving => new MemberLeft(member),
                MemberStatus.Exiting => new MemberExited(member),
                MemberStatus.Down => new MemberDowned(member),
                _ => new MemberRemoved(member, MemberStatus.Down),
            };
        }
        foreach (var member in state.Members.Where(m => state.Unreachable.Contains(m.Node)))
            yield return new UnreachableMember(member);
        foreach (var (role, oldest) in state.OldestByRole)
            yield return new OldestChanged(role.Length == 0 ? null : role, oldest);
    }
}
