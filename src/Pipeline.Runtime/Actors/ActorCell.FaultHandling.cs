using Pipeline.Runtime.Dispatch;
using Pipeline.Runtime.Supervision;

namespace Pipeline.Runtime.Actors;

internal sealed partial class ActorCell
{
    /// <summary>
    /// The actor threw: it stops taking user messages (and so do its children) and its parent decides.
    /// </summary>
    private void HandleInvokeFailure(Exception cause)
    {
        if ((State & (StateFailed | StateTerminated)) != 0) return;
        State |= StateFailed;
        _mailbox.Suspend();
        SuspendChildren();
        _system.Metrics.ActorFailed();
        _system.PublishActorFailure(this, cause, _current.Message);
        _parent.SendSystemMessage(new Failed(this, cause, _path.Uid));
    }

    private void OnChildFailed(Failed f)
    {
        var children = _extras?.Children;
        if (children is null || f.Child is not ActorCell child || !children.Contains(child) || child.Path.Uid != f.Uid) return;

        SupervisorStrategy strategy;
        Directive directive;
        try
        {
            strategy = _actor?.InvokeSupervisorStrategy() ?? _props.SupervisorStrategy ?? _system.Settings.DefaultSupervisorStrategy;
            directive = strategy.Decider(f.Cause);
        }
        catch (Exception deciderFailure)
        {
            HandleInvokeFailure(new AggregateException("The supervisor strategy's decider threw.", f.Cause, deciderFailure));
            return;
        }

        var affected = strategy.AppliesToAllChildren ? children.Snapshot() : [child];
        switch (directive)
        {
            case Directive.Resume:
                _system.LogSupervision(child, f.Cause, directive);
                child.SendSystemMessage(new Resume(f.Cause));
                break;
            case Directive.Restart:
                if (!children.StatsFor(child).RequestRestartPermission(strategy, _system.TimeProvider.GetUtcNow().UtcTicks))
                {
                    _system.LogSupervision(child, f.Cause, Directive.Stop, $"restart budget spent ({strategy.MaxNrOfRetries} within {strategy.WithinTimeRange?.ToString() ?? "its lifetime"})");
                    foreach (var c in affected) StopChild(c);
                    break;
                }
                _system.LogSupervision(child, f.Cause, directive);
                _system.Metrics.ActorRestarted(affected.Length);
                foreach (var c in affected)
                {
                    if (!ReferenceEquals(c, child)) c.SendSystemMessage(new Suspend());
                    c.SendSystemMessage(new Recreate(f.Cause));
                }
                break;
            case Directive.Stop:
                _system.LogSupervision(child, f.Cause, directive);
                foreach (var c in affected) StopChild(c);
                break;
            default:
                // Escalate: this actor fails with the child's exception, its own parent decides.
                HandleInvokeFailure(f.Cause);
                break;
        }
    }

    private void OnSuspend()
    {
        _mailbox.Suspend();
        SuspendChildren();
    }

    private void OnResume(Exception? causedByFailure)
    {
        if (causedByFailure is not null)
        {
            if ((State & StateFailed) == 0) return;
            State &= ~StateFailed;
        }
        _mailbox.Resume();
        ResumeChildren(null);
    }

    private void OnRecreate(Exception cause)
    {
        if ((State & (StateTerminating | StateTerminated)) != 0) return;
        var failed = _actor;
        AbandonAsyncHandler();
        if (failed is not null)
        {
            try
            {
                failed.InvokePreRestart(cause, _current.Message);
            }
            catch (Exception e)
            {
                _system.LogActorError(this, e, "PreRestart threw");
            }
            _extras?.Stash?.UnstashAllInto(_mailbox);
        }
        _actor = null;
        _extras?.Stack?.Clear();
        CancelReceiveTimeout();
        if (HasChildrenStopping())
        {
            Extras.PendingRecreateCause = cause;
            return;
        }
        FinishRecreate(cause);
    }

    private bool HasChildrenStopping() => _extras?.Children is { AnyStopping: true };

    private void FinishRecreate(Exception cause)
    {
        var survivors = _extras?.Children?.Snapshot(excludeStopping: true) ?? [];
        State &= ~StateFailed;
        try
        {
            var actor = NewActor();
            actor.InvokePostRestart(cause);
        }
        catch (Exception e)
        {
            _mailbox.Resume();
            HandleInvokeFailure(e as ActorInitializationException
                ?? new ActorInitializationException(this, $"{_path}: restarting {_props.ActorType.Name} failed: {e.Message}", e));
            return;
        }
        _mailbox.Resume();
        // Children the old instance kept (its PreRestart did not stop them) are restarted too, as in Akka.
        foreach (var survivor in survivors) survivor.SendSystemMessage(new Recreate(cause));
    }
}
