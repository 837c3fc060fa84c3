using Pipeline.Runtime.Dispatch;

namespace Pipeline.Runtime.Actors;

internal sealed partial class ActorCell
{
    private ChildrenContainer ChildrenContainer
    {
        get
        {
            var extras = Extras;
            if (extras.Children is null) Interlocked.CompareExchange(ref extras.Children, new ChildrenContainer(), null);
            return extras.Children;
        }
    }

    public IReadOnlyCollection<IActorRef> Children => _extras?.Children?.Snapshot() ?? (IReadOnlyCollection<IActorRef>)[];

    public IActorRef? Child(string name) => _extras?.Children?.Get(name);

    public IActorRef ActorOf(Props props, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(props);
        if ((Volatile.Read(ref State) & (StateTerminating | StateTerminated)) != 0)
            throw new ActorUsageException($"{_path} is stopping and cannot create children.");
        var container = ChildrenContainer;
        if (name is null) name = container.NextRandomName();
        else if (!ActorPath.IsValidName(name))
            throw new InvalidActorNameException($"Invalid actor name '{name}': it must be non-empty, must not start with '$' and must not contain '/', '#' or whitespace.");
        var dispatcher = _system.Dispatchers.Lookup(props.Dispatcher);
        container.Reserve(name, _path);
        ActorCell child;
        try
        {
            child = new ActorCell(_system, this, _path.Child(name, _system.NewUid()), props, dispatcher);
        }
        catch
        {
            container.Unreserve(name);
            throw;
        }
        container.Initialize(name, child);
        child.Start();
        return child;
    }

    public ActorSelection ActorSelection(string path) => Actors.ActorSelection.Create(this, path);

    public void Stop(IActorRef actor)
    {
        if (actor is ActorCell child && ReferenceEquals(child._parent, this)) StopChild(child);
        else if (actor is InternalActorRef internalRef) internalRef.Stop();
    }

    private void StopChild(ActorCell child)
    {
        _extras?.Children?.MarkStopping(child);
        child.Stop();
    }

    private void StopAllChildren()
    {
        var children = _extras?.Children;
        if (children is null) return;
        foreach (var child in children.Snapshot()) StopChild(child);
    }

    private void SuspendChildren(IActorRef? except = null)
    {
        var children = _extras?.Children;
        if (children is null) return;
        foreach (var child in children.Snapshot())
            if (!ReferenceEquals(child, except)) child.SendSystemMessage(new Suspend());
    }

    private void ResumeChildren(Exception? causedByFailure, IActorRef? only = null)
    {
        var children = _extras?.Children;
        if (children is null) return;
        foreach (var child in children.Snapshot())
            if (only is null || ReferenceEquals(child, only)) child.SendSystemMessage(new Resume(causedByFailure));
    }

    private bool HasChildren => _extras?.Children is { Count: > 0 };
}
