namespace Pipeline.Runtime.Actors;

/// <summary>An actor's constructor or PreStart threw; the supervisor stops it by default.</summary>
public sealed class ActorInitializationException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ActorInitializationException(IActorRef? actor, string message, Exception? cause)
        : base(message, cause) => Actor = actor;

    /// <summary>The actor that failed to start.</summary>
    public IActorRef? Actor { get; }
}

/// <summary>Raised inside an actor that received <see cref="Kill"/>.</summary>
public sealed class ActorKilledException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ActorKilledException(string message) : base(message) { }
}

/// <summary>An actor received <see cref="Terminated"/> for a watched actor and did not handle it.</summary>
public sealed class DeathPactException : Exception
{
    /// <summary>Creates the exception.</summary>
    public DeathPactException(IActorRef dead) : base($"Monitored actor {dead} terminated and the watcher does not handle Terminated.") => DeadActor = dead;

    /// <summary>The watched actor that died.</summary>
    public IActorRef DeadActor { get; }
}

/// <summary>An actor name is malformed or already taken by a sibling.</summary>
public sealed class InvalidActorNameException : Exception
{
    /// <summary>Creates the exception.</summary>
    public InvalidActorNameException(string message) : base(message) { }
}

/// <summary>A null or otherwise invalid message was sent.</summary>
public sealed class InvalidMessageException : Exception
{
    /// <summary>Creates the exception.</summary>
    public InvalidMessageException(string message) : base(message) { }
}

/// <summary>An actor tried to stash more messages than its stash capacity.</summary>
public sealed class StashOverflowException : Exception
{
    /// <summary>Creates the exception.</summary>
    public StashOverflowException(string message) : base(message) { }
}

/// <summary>Something is used in a way the kernel does not allow (e.g. Context in a constructor).</summary>
public sealed class ActorUsageException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ActorUsageException(string message) : base(message) { }
}
