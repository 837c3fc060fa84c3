namespace Pipeline.Runtime.Actors;

/// <summary>
/// An actor whose behaviour is a list of typed handlers, registered in its constructor with
/// <c>Receive&lt;T&gt;</c>, <c>ReceiveAsync&lt;T&gt;</c> and <c>ReceiveAny</c>; the first that matches handles
/// the message. <see cref="Become(Action)"/> swaps in another list. Async handlers keep message order: the
/// actor takes no other user message until the handler's task completes.
/// </summary>
public abstract class ReceiveActor : ActorBase
{
    private HandlerSet _building = new();
    private HandlerSet _initial;

    /// <summary>Creates the actor; register handlers in the derived constructor.</summary>
    protected ReceiveActor() => _initial = _building;

    /// <inheritdoc />
    protected sealed override bool Receive(object message) => _initial.TryHandle(message);

    /// <summary>Handles messages of type <typeparamref name="T"/>.</summary>
    protected void Receive<T>(Action<T> handler) => _building.Add(new SyncHandler<T>(null, handler));

    /// <summary>Handles messages of type <typeparamref name="T"/> that match <paramref name="predicate"/>.</summary>
    protected void Receive<T>(Predicate<T> predicate, Action<T> handler) => _building.Add(new SyncHandler<T>(predicate, handler));

    /// <summary>Handles messages of type <typeparamref name="T"/>; the handler returns false to pass the message on.</summary>
    protected void Receive<T>(Func<T, bool> handler) => _building.Add(new FuncHandler<T>(handler));

    /// <summary>Handles messages of type <typeparamref name="T"/> asynchronously, keeping message order.</summary>
    protected void ReceiveAsync<T>(Func<T, Task> handler, Predicate<T>? predicate = null)
        => _building.Add(new AsyncHandler<T>(this, predicate, handler));

    /// <summary>Handles any message (put it last).</summary>
    protected void ReceiveAny(Action<object> handler) => _building.Add(new SyncHandler<object>(null, handler));

    /// <summary>Handles any message asynchronously (put it last).</summary>
    protected void ReceiveAnyAsync(Func<object, Task> handler) => _building.Add(new AsyncHandler<object>(this, null, handler));

    /// <summary>Replaces the behaviour with the handlers that <paramref name="configure"/> registers.</summary>
    protected void Become(Action configure) => Context.Become(Build(configure).TryHandle);

    /// <summary>Pushes the handlers that <paramref name="configure"/> registers on top of the current behaviour.</summary>
    protected void BecomeStacked(Action configure) => Context.BecomeStacked(Build(configure).TryHandle);

    /// <summary>Returns to the behaviour below the current stacked one.</summary>
    protected void UnbecomeStacked() => Context.UnbecomeStacked();

    private HandlerSet Build(Action configure)
    {
        var previous = _building;
        _building = new HandlerSet();
        try
        {
            configure();
            return _building;
        }
        finally
        {
            _building = previous;
        }
    }

    private sealed class HandlerSet
    {
        private Handler[] _handlers = [];

        public void Add(Handler handler)
        {
            var list = new Handler[_handlers.Length + 1];
            _handlers.CopyTo(list, 0);
            list[^1] = handler;
            _handlers = list;
        }

        public bool TryHandle(object message)
        {
            foreach (var h in _handlers)
                if (h.TryHandle(message)) return true;
            return false;
        }
    }

    private abstract class Handler
    {
        public abstract bool TryHandle(object message);
    }

    private sealed class SyncHandler<T>(Predicate<T>? predicate, Action<T> action) : Handler
    {
        public override bool TryHandle(object message)
        {
            if (message is not T m || (predicate is not null && !predicate(m))) return false;
            action(m);
            return true;
        }
    }

    private sealed class FuncHandler<T>(Func<T, bool> func) : Handler
    {
        public override bool TryHandle(object message) => message is T m && func(m);
    }

    private sealed class AsyncHandler<T>(ReceiveActor owner, Predicate<T>? predicate, Func<T, Task> func) : Handler
    {
        public override bool TryHandle(object message)
        {
            if (message is not T m || (predicate is not null && !predicate(m))) return false;
            owner.Cell.RunAsync(() => func(m));
            return true;
        }
    }
}
