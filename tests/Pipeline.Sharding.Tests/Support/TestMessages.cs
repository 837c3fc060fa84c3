namespace Pipeline.Sharding.Tests.Support;

/// <summary>A numbered message for one entity (sequence numbers start at 1).</summary>
public sealed record Numbered(string EntityId, int Seq);

/// <summary>Asks an entity who it is; answered with <see cref="Identity"/>.</summary>
public sealed record WhoAreYou(string EntityId);

/// <summary>An entity's answer: its id, its path and what it counted.</summary>
public sealed record Identity(string EntityId, string Path, int Count);

/// <summary>Makes the entity ask its shard to passivate it.</summary>
public sealed record PassivateYourself(string EntityId);

/// <summary>A custom stop message (entities that honour it stop, stubborn ones ignore it).</summary>
public sealed record StopCommand;

/// <summary>Adds to a persistent counter entity.</summary>
public sealed record Add(string EntityId, int Amount);

public static class TestExtractor
{
    public static string? EntityIdOf(object message) => message switch
    {
        Numbered n => n.EntityId,
        WhoAreYou w => w.EntityId,
        PassivateYourself p => p.EntityId,
        Add a => a.EntityId,
        _ => null,
    };
}
