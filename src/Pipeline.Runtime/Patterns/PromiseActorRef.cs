using Pipeline.Runtime.Actors;
using Pipeline.Runtime.Dispatch;

namespace Pipeline.Runtime.Patterns;

/// <summary>
/// The temporary sender of an Ask: the first message it receives completes the ask's task (a
/// <see cref="Status.Failure"/> completes it with the exception). Later messages go to dead letters.
/// Its path is only built if someone looks at it.
/// </summary>
internal sealed class PromiseActorRef : InternalActorRef
{
    private readonly ActorSystem _system;
    private readonly TaskCompletionSource<object> _promise = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private ActorPath? _path;
    private HashSet<InternalActorRef>? _watchers; // guarded by locking _promise: no lock object per ask

    public PromiseActorRef(ActorSystem system) => _system = system;

    public Task<object> Task => _promise.Task;

    public override ActorPath Path => _path ??= _system.NewTempPath();

    public override InternalActorRef Parent => _system.TempContainer;

    public override bool IsTerminated => _promise.Task.IsCompleted;

    internal override ActorSystem? OwnerSystem => _system;

    public override void Tell(object message, IActorRef? sender = null)
    {
        ArgumentNullException.ThrowIfNull(message);
        var completed = message is Status.Failure f ? _promise.TrySetException(f.Cause) : _promise.TrySetResult(message);
        if (!completed)
        {
            _system.DeadLetter(message, sender, this, "ask already completed");
            return;
        }
        Unregister();
        NotifyWatchers();
    }

    internal void Fail(Exception exception)
    {
        if (_promise.TrySetException(exception))
        {
            Unregister();
            NotifyWatchers();
        }
    }

    internal void Cancel()
    {
        if (_promise.TrySetCanceled())
        {
            Unregister();
            NotifyWatchers();
        }
    }

    internal override void SendSystemMessage(SystemMessage message)
    {
        switch (message)
        {
            case Watch w when ReferenceEquals(w.Watchee, this):
                lock (_promise)
                {
                    if (!_promise.Task.IsCompleted)
                    {
                        (_watchers ??= new HashSet<InternalActorRef>()).Add(w.Watcher);
                        return;
                    }
                }
                w.Watcher.SendSystemMessage(new DeathWatchNotification(this, true, false));
                break;
            case Unwatch u:
                lock (_promise) _watchers?.Remove(u.Watcher);
                break;
        }
    }

    private void NotifyWatchers()
    {
        InternalActorRef[] watchers;
        lock (_promise)
        {
            if (_watchers is null) return;
            watchers = _watchers.ToArray();
            _watchers = null;
        }
        foreach (var w in watchers) w.SendSystemMessage(new DeathWatchNotification(this, true, false));
    }

    public override void Stop() => Cancel();

    // Only a promise whose path was built can have been registered (registration is by path name), and most
    // asks never build it: skip the registry then, whose emptiness check takes all of its locks.
    private void Unregister()
    {
        if (Volatile.Read(ref _path) is not null) _system.UnregisterTemp(this);
    }
}
