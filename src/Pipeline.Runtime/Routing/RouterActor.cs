using Microsoft.Extensions.Logging;
using Pipeline.Runtime.Actors;

namespace Pipeline.Runtime.Routing;

/// <summary>
/// The router itself: an ordinary actor that owns the routee list and the routing logic, handles the management
/// messages and death of routees, and forwards everything else to the routee the logic picks, with the original
/// sender. The routee list is copy-on-write: routing reads one array, changes swap in a new one, so logics may
/// cache per array (the hash ring, the broadcast set).
/// </summary>
internal sealed class RouterActor : ActorBase
{
    private readonly RouterConfig _config;
    private readonly Props? _routeeProps;
    private readonly RoutingLogic _logic;
    private Routee[] _routees = [];

    public RouterActor(RouterConfig config, Props? routeeProps)
    {
        _config = config;
        _routeeProps = routeeProps;
        _logic = config.CreateRoutingLogic();
    }

    protected override void PreStart()
    {
        switch (_config)
        {
            case Pool pool:
                var created = new Routee[pool.NrOfInstances];
                for (var i = 0; i < created.Length; i++) created[i] = NewChildRoutee();
                _routees = created;
                break;
            case Group group:
                var members = new Routee[group.Paths.Count];
                for (var i = 0; i < members.Length; i++) members[i] = new ActorSelectionRoutee(Context.ActorSelection(group.Paths[i]));
                _routees = members;
                break;
        }
    }

    protected override bool Receive(object message)
    {
        if (message is IRouterManagementMessage) HandleManagement(message);
        else if (message is Broadcast broadcast) SendToAll(broadcast.Message);
        else if (message is Terminated terminated) OnRouteeTerminated(terminated.ActorRef);
        else Route(message);
        return true;
    }

    private void Route(object message)
    {
        var routee = _logic.Select(message, _routees);
        var payload = message is ConsistentHashableEnvelope envelope ? envelope.Message : message;
        if (ReferenceEquals(routee, NoRoutee.Instance))
        {
            NoRouteeFor(payload);
            return;
        }
        routee.Send(payload, Sender);
    }

    private void NoRouteeFor(object payload)
    {
        var reason = _routees.Length == 0
            ? "router has no routees"
            : $"{_logic.GetType().Name} found no routee for {payload.GetType().Name} (a consistent-hashing router needs a key: IConsistentHashable, ConsistentHashableEnvelope or a hash mapping)";
        if (_routees.Length > 0) Context.Log.LogWarning("Router {Router}: {Reason}; the message goes to dead letters.", Self.Path, reason);
        Context.System.DeadLetter(payload, Sender, Self, reason);
    }

    private void SendToAll(object payload)
    {
        var routees = _routees;
        if (routees.Length == 0)
        {
            Context.System.DeadLetter(payload, Sender, Self, "router has no routees");
            return;
        }
        foreach (var routee in routees) routee.Send(payload, Sender);
    }

    private void HandleManagement(object message)
    {
        switch (message)
        {
            case GetRoutees:
                Reply(new Routees(_routees.ToArray()));
                break;
            case AddRoutee add:
                AddRoutees([add.Routee]);
                break;
            case RemoveRoutee remove:
                RemoveRoutees([remove.Routee], stopChildren: true);
                break;
            case AdjustPoolSize adjust:
                AdjustPoolSize(adjust.Change);
                break;
        }
    }

    private void AdjustPoolSize(int change)
    {
        if (_config is not Pool)
        {
            Context.Log.LogWarning("Router {Router} is a group: AdjustPoolSize({Change}) ignored; use AddRoutee/RemoveRoutee.", Self.Path, change);
            return;
        }
        if (change > 0)
        {
            var added = new Routee[change];
            for (var i = 0; i < change; i++) added[i] = NewChildRoutee(watch: false);
            AddRoutees(added);
        }
        else if (change < 0)
        {
            var keep = Math.Max(0, _routees.Length + change);
            RemoveRoutees(_routees[keep..], stopChildren: true);
        }
    }

    private Routee NewChildRoutee(bool watch = true)
    {
        var child = Context.ActorOf(_routeeProps!);
        if (watch) Context.Watch(child);
        return new ActorRefRoutee(child);
    }

    private void AddRoutees(Routee[] added)
    {
        foreach (var routee in added)
            if (routee is ActorRefRoutee r) Context.Watch(r.Actor);
        var next = new Routee[_routees.Length + added.Length];
        _routees.CopyTo(next, 0);
        added.CopyTo(next, _routees.Length);
        _routees = next;
    }

    private void RemoveRoutees(Routee[] removed, bool stopChildren)
    {
        var next = new List<Routee>(_routees.Length);
        foreach (var routee in _routees)
            if (Array.IndexOf(removed, routee) < 0) next.Add(routee);
        _routees = [.. next];
        foreach (var routee in removed)
        {
            if (routee is not ActorRefRoutee r) continue;
            Context.Unwatch(r.Actor);
            if (stopChildren && IsOwnChild(r.Actor)) r.Actor.Tell(PoisonPill.Instance, Self);
        }
        StopIfAllRouteesRemoved();
    }

    private void OnRouteeTerminated(IActorRef actor)
    {
        var index = -1;
        for (var i = 0; i < _routees.Length; i++)
            if (_routees[i] is ActorRefRoutee r && r.Actor.Equals(actor)) { index = i; break; }
        if (index < 0) return;
        RemoveRoutees([_routees[index]], stopChildren: false);
    }

    private bool IsOwnChild(IActorRef actor) => Context.Child(actor.Path.Name) is { } child && child.Equals(actor);

    private void StopIfAllRouteesRemoved()
    {
        if (_routees.Length == 0 && _config.StopRouterWhenAllRouteesRemoved) Context.Stop(Self);
    }
}
