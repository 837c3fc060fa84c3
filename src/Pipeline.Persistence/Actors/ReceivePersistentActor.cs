namespace Pipeline.Persistence.Actors;

/// <summary>
/// A persistent actor with typed handlers (Akka's ReceivePersistentActor): register <c>Recover&lt;T&gt;</c> and
/// <c>Command&lt;T&gt;</c> handlers in the constructor; <see cref="BecomeCommands"/> swaps the command handlers.
/// </summary>
public abstract class ReceivePersistentActor : PersistentActor
{
    private readonly List<Func<object, bool>> _recover = new();
    private List<Func<object, bool>> _commands = new();
    private List<Func<object, bool>>? _building;

    /// <summary>Handles a recovered event (or <see cref="SnapshotOffer"/>, <see cref="RecoveryCompleted"/>) of type <typeparamref name="T"/>.</summary>
    protected void Recover<T>(Action<T> handler) => _recover.Add(m =>
    {
        if (m is not T t) return false;
        handler(t);
        return true;
    });

    /// <summary>Handles commands of type <typeparamref name="T"/>.</summary>
    protected void Command<T>(Action<T> handler) => (_building ?? _commands).Add(m =>
    {
        if (m is not T t) return false;
        handler(t);
        return true;
    });

    /// <summary>Handles commands of type <typeparamref name="T"/> that match <paramref name="predicate"/>.</summary>
    protected void Command<T>(Predicate<T> predicate, Action<T> handler) => (_building ?? _commands).Add(m =>
    {
        if (m is not T t || !predicate(t)) return false;
        handler(t);
        return true;
    });

    /// <summary>Handles any command (put it last).</summary>
    protected void CommandAny(Action<object> handler) => (_building ?? _commands).Add(m =>
    {
        handler(m);
        return true;
    });

    /// <summary>Replaces the command handlers with the ones <paramref name="configure"/> registers.</summary>
    protected void BecomeCommands(Action configure)
    {
        _building = new List<Func<object, bool>>();
        try
        {
            configure();
            _commands = _building;
        }
        finally
        {
            _building = null;
        }
    }

    /// <inheritdoc />
    protected sealed override bool ReceiveRecover(object message)
    {
        foreach (var h in _recover)
            if (h(message)) return true;
        return message is RecoveryCompleted or SnapshotOffer;
    }

    /// <inheritdoc />
    protected sealed override bool ReceiveCommand(object message)
    {
        foreach (var h in _commands)
            if (h(message)) return true;
        return false;
    }
}
