namespace Pipeline.Cluster.Addressing;

/// <summary>
/// A node incarnation: its address plus a uid chosen at start. A restarted node keeps its address but gets a
/// new uid, so the cluster can tell the dead incarnation from the new one.
/// </summary>
/// <param name="Address">Where the node listens.</param>
/// <param name="Uid">Incarnation number, unique per start (random or time based).</param>
public readonly record struct UniqueAddress(NodeAddress Address, long Uid)
{
    /// <summary>Creates a fresh incarnation uid: positive, random, never zero.</summary>
    public static long NewUid() => Random.Shared.NextInt64(1, long.MaxValue);

    /// <summary>Text form used in logs and in the membership store, <c>pipeline://system@host:port#uid</c>.</summary>
    public override string ToString() => $"{Address}#{Uid}";

    /// <summary>Parses the text form written by <see cref="ToString"/>.</summary>
    public static UniqueAddress Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        const string scheme = "pipeline://";
        var at = text.IndexOf('@');
        var hash = text.LastIndexOf('#');
        var colon = hash > 0 ? text.LastIndexOf(':', hash) : -1;
        if (!text.StartsWith(scheme, StringComparison.Ordinal) || at < 0 || colon < at || hash < colon
            || !int.TryParse(text.AsSpan(colon + 1, hash - colon - 1), out var port)
            || !long.TryParse(text.AsSpan(hash + 1), out var uid))
            throw new FormatException($"'{text}' is not a unique node address of the form pipeline://system@host:port#uid.");
        return new UniqueAddress(new NodeAddress(text[scheme.Length..at], text[(at + 1)..colon], port), uid);
    }
}
