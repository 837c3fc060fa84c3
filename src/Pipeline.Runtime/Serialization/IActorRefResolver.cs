using Pipeline.Runtime.Actors;

namespace Pipeline.Runtime.Serialization;

/// <summary>
/// Turns actor references inside messages into their path string and back. The actor system (or the remoting
/// layer, which knows the node's public address) provides it, so that a ref written on one node resolves to a
/// working ref on another.
/// </summary>
public interface IActorRefResolver
{
    /// <summary>Finds (or creates a proxy for) the actor at a full path as written by <see cref="ToSerializationFormat"/>.</summary>
    IActorRef Resolve(string path);

    /// <summary>The full path string (with address and uid) that <see cref="Resolve"/> accepts.</summary>
    string ToSerializationFormat(IActorRef actorRef);
}
