using Pipeline.Runtime.Patterns;

namespace Pipeline.Runtime.Actors;

/// <summary>
/// A path pattern, resolved when a message is sent: <c>/user/ingest/*</c> reaches every child of
/// <c>ingest</c>. Elements may contain <c>*</c> and <c>?</c>, and <c>..</c> goes up. The message travels down
/// the actor tree (each actor forwards it to its matching children), so it sees the tree as it is now.
/// </summary>
public sealed class ActorSelection : ICanTell
{
    internal ActorSelection(InternalActorRef anchor, string[] elements)
    {
        Anchor = anchor;
        Elements = elements;
    }

    internal InternalActorRef Anchor { get; }

    /// <summary>The path elements below the anchor.</summary>
    public IReadOnlyList<string> Elements { get; }

    /// <summary>The selection as a path string.</summary>
    public string PathString => Anchor.Path.ToStringWithoutAddress().TrimEnd('/') + "/" + string.Join('/', Elements);

    internal static ActorSelection Create(ActorCell context, string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (path.Contains("://", StringComparison.Ordinal))
        {
            var parsed = ActorPath.Parse(path);
            var system = context.System;
            if (!parsed.Address.Equals(system.Address) && !(parsed.Address.System == system.Name && parsed.Address.Host is null))
                return system.RemoteSelection(parsed) ?? new ActorSelection(system.DeadLettersRef, [.. parsed.Elements]);
            return new ActorSelection(system.Root, [.. parsed.Elements]);
        }
        var elements = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        return path.StartsWith('/') ? new ActorSelection(context.System.Root, elements) : new ActorSelection(context, elements);
    }

    /// <inheritdoc />
    public void Tell(object message, IActorRef? sender = null)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (Elements.Count == 0) Anchor.Tell(message, sender);
        else Anchor.Tell(new SelectionMessage(message, (string[])Elements, 0, Elements.Any(HasWildcard)), sender);
    }

    /// <summary>Finds the one actor this selection names, or throws <see cref="ActorNotFoundException"/>.</summary>
    public async Task<IActorRef> ResolveOne(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var identity = await this.Ask<ActorIdentity>(new Identify(null), timeout, cancellationToken).ConfigureAwait(false);
        return identity.Subject ?? throw new ActorNotFoundException($"No actor at {PathString}.");
    }

    /// <inheritdoc />
    public override string ToString() => $"ActorSelection[{PathString}]";

    internal static bool HasWildcard(string element) => element.AsSpan().IndexOfAny('*', '?') >= 0;

    /// <summary>Glob match of one path element: '*' any run of characters, '?' one character.</summary>
    internal static bool Matches(string pattern, string name)
    {
        int p = 0, n = 0, star = -1, mark = 0;
        while (n < name.Length)
        {
            if (p < pattern.Length && (pattern[p] == '?' || pattern[p] == name[n])) { p++; n++; }
            else if (p < pattern.Length && pattern[p] == '*') { star = p++; mark = n; }
            else if (star >= 0) { p = star + 1; n = ++mark; }
            else return false;
        }
        while (p < pattern.Length && pattern[p] == '*') p++;
        return p == pattern.Length;
    }
}

/// <summary>No actor matched an <see cref="ActorSelection"/> that was resolved.</summary>
public sealed class ActorNotFoundException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ActorNotFoundException(string message) : base(message) { }
}

/// <summary>A message travelling down the tree towards the actors an <see cref="ActorSelection"/> names.</summary>
internal sealed record SelectionMessage(object Message, string[] Elements, int Index, bool WildcardFanOut) : INoSerializationVerificationNeeded;
