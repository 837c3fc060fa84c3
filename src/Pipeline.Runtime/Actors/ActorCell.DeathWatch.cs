using Pipeline.Runtime.Dispatch;

namespace Pipeline.Runtime.Actors;

internal sealed partial class ActorCell
{
    public IActorRef Watch(IActorRef actor)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (ReferenceEquals(actor, this)) return actor;
        var watching = Extras.Watching ??= new HashSet<IActorRef>();
        if (watching.Add(actor) && actor is InternalActorRef target)
            target.SendSystemMessage(new Watch(target, this));
        return actor;
    }

    public IActorRef Unwatch(IActorRef actor)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var extras = _extras;
        if (extras is null) return actor;
        extras.TerminatedQueued?.Remove(actor);
        if (extras.Watching is { } watching && watching.Remove(actor) && actor is InternalActorRef target)
            target.SendSystemMessage(new Unwatch(target, this));
        return actor;
    }

    private void OnWatch(Watch w)
    {
        if (ReferenceEquals(w.Watchee, this) && !ReferenceEquals(w.Watcher, this))
        {
            (Extras.WatchedBy ??= new HashSet<IActorRef>()).Add(w.Watcher);
        }
    }

    private void OnUnwatch(Unwatch u)
    {
        if (ReferenceEquals(u.Watchee, this)) _extras?.WatchedBy?.Remove(u.Watcher);
    }

    private void OnDeathWatchNotification(DeathWatchNotification n)
    {
        var extras = _extras;
        if (extras is null) return;
        if (extras.Watching is { } watching && watching.Remove(n.Actor))
        {
            (extras.TerminatedQueued ??= new HashSet<IActorRef>()).Add(n.Actor);
            // Delivered as a user message, after everything the dead actor sent before it stopped.
            Tell(new Terminated(n.Actor, n.ExistenceConfirmed, n.AddressTerminated), n.Actor);
        }
        extras.WatchedBy?.Remove(n.Actor);
        if (extras.Children is { } children && children.Remove(n.Actor)) OnChildTerminated();
    }

    /// <summary>A watched remote node is gone: every actor watched on it is terminated.</summary>
    internal void AddressTerminated(Address address)
    {
        var watching = _extras?.Watching;
        if (watching is null) return;
        foreach (var w in watching.Where(w => w.Path.Address.Equals(address)).ToArray())
            SendSystemMessage(new DeathWatchNotification(w, existenceConfirmed: true, addressTerminated: true));
    }

    private void OnChildTerminated()
    {
        if (HasChildren) return;
        if ((State & StateTerminating) != 0) FinishTerminate();
        else if (_extras?.PendingRecreateCause is { } cause)
        {
            _extras.PendingRecreateCause = null;
            FinishRecreate(cause);
        }
    }

    // ---- stopping --------------------------------------------------------------------------------------

    private void OnTerminate()
    {
        if ((State & (StateTerminating | StateTerminated)) != 0) return;
        State |= StateTerminating;
        CancelReceiveTimeout();
        UnwatchAll();
        if (HasChildren)
        {
            _mailbox.Suspend();
            StopAllChildren();
        }
        else
        {
            FinishTerminate();
        }
    }

    private void UnwatchAll()
    {
        var watching = _extras?.Watching;
        if (watching is null) return;
        foreach (var w in watching)
            if (w is InternalActorRef target) target.SendSystemMessage(new Unwatch(target, this));
        watching.Clear();
        _extras!.TerminatedQueued?.Clear();
    }

    private void FinishTerminate()
    {
        if ((State & StateTerminated) != 0) return;
        var actor = _actor;
        try
        {
            actor?.InvokePostStop();
        }
        catch (Exception e)
        {
            _system.LogActorError(this, e, "PostStop threw");
        }
        finally
        {
            _actor = null;
            _extras?.Stack?.Clear();
            State = (State | StateTerminated) & ~StateAsyncInFlight;
            _extras?.AsyncContext?.Abandon();
            _mailbox.BecomeClosed();
            DrainToDeadLetters();
            NotifyWatchersAndParent();
            Dispatcher.Detach(this);
            _system.Metrics.ActorStopped();
            DrainSystemMessagesAfterDeath();
        }
    }

    private void DrainToDeadLetters()
    {
        if (_extras?.Stash is { } stash)
            foreach (var e in stash.TakeAll()) _system.DeadLetter(e.Message, e.Sender, this, "stashed in a stopped actor");
        while (_mailbox.TryDequeue(out var envelope))
        {
            if (envelope.Message is Terminated or ReceiveTimeoutTick) continue;
            _system.DeadLetter(envelope.Message, envelope.Sender, this, "recipient terminated");
        }
    }

    private void NotifyWatchersAndParent()
    {
        var parentNotified = false;
        if (_extras?.WatchedBy is { } watchers)
        {
            foreach (var watcher in watchers)
            {
                if (watcher is not InternalActorRef w) continue;
                w.SendSystemMessage(new DeathWatchNotification(this, true, false));
                if (ReferenceEquals(w, _parent)) parentNotified = true;
            }
            watchers.Clear();
        }
        if (!parentNotified) _parent.SendSystemMessage(new DeathWatchNotification(this, true, false));
    }

    private void DrainSystemMessagesAfterDeath()
    {
        var message = _mailbox.TakeSystemMessages();
        while (message is not null)
        {
            var next = message.Next;
            message.Next = null;
            HandleSystemMessageAfterDeath(message);
            message = next;
        }
    }

    /// <summary>Answers what must still be answered once the actor is gone: a late Watch gets its notification.</summary>
    internal void HandleSystemMessageAfterDeath(SystemMessage message)
    {
        if (message is Watch w && ReferenceEquals(w.Watchee, this) && !ReferenceEquals(w.Watcher, this))
            w.Watcher.SendSystemMessage(new DeathWatchNotification(this, existenceConfirmed: true, addressTerminated: false));
    }
}
