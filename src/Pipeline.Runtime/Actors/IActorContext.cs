using Microsoft.Extensions.Logging;

namespace Pipeline.Runtime.Actors;

/// <summary>Something that creates actors: the system (top-level actors) or an actor's context (children).</summary>
public interface IActorRefFactory
{
    /// <summary>Creates an actor; <paramref name="name"/> must be unique among its siblings (null: generated).</summary>
    IActorRef ActorOf(Props props, string? name = null);

    /// <summary>
    /// Looks actors up by path, relative (<c>child/grandchild</c>, <c>../sibling</c>) or absolute
    /// (<c>/user/a/*</c>); <c>*</c> and <c>?</c> are wildcards inside one element.
    /// </summary>
    ActorSelection ActorSelection(string path);
}

/// <summary>
/// What an actor sees of the kernel while it handles a message: who it is, who sent the message, its family,
/// and the operations that change its own life (children, watching, behaviour, receive timeout).
/// </summary>
public interface IActorContext : IActorRefFactory
{
    /// <summary>This actor.</summary>
    IActorRef Self { get; }

    /// <summary>The sender of the current message (dead letters when there was none).</summary>
    IActorRef Sender { get; }

    /// <summary>The parent (supervisor).</summary>
    IActorRef Parent { get; }

    /// <summary>The live children.</summary>
    IReadOnlyCollection<IActorRef> Children { get; }

    /// <summary>A child by name, or null.</summary>
    IActorRef? Child(string name);

    /// <summary>The props this actor was created from.</summary>
    Props Props { get; }

    /// <summary>The actor system.</summary>
    ActorSystem System { get; }

    /// <summary>A logger whose entries carry this actor's path in their scope.</summary>
    ILogger Log { get; }

    /// <summary>Stops a child (or this actor itself) after its current message.</summary>
    void Stop(IActorRef actor);

    /// <summary>Watches an actor: a <see cref="Terminated"/> arrives once when it stops.</summary>
    IActorRef Watch(IActorRef actor);

    /// <summary>Stops watching; no <see cref="Terminated"/> arrives afterwards, even if one was already underway.</summary>
    IActorRef Unwatch(IActorRef actor);

    /// <summary>Sends <see cref="Actors.ReceiveTimeout"/> after this much idle time; null switches it off.</summary>
    void SetReceiveTimeout(TimeSpan? timeout);

    /// <summary>The current receive timeout.</summary>
    TimeSpan? ReceiveTimeout { get; }

    /// <summary>Replaces the current behaviour.</summary>
    void Become(Func<object, bool> receive);

    /// <summary>Pushes a behaviour on top of the current one.</summary>
    void BecomeStacked(Func<object, bool> receive);

    /// <summary>Pops the behaviour pushed last (the original behaviour is never popped).</summary>
    void UnbecomeStacked();
}
