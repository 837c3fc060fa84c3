namespace Pipeline.Cluster.Addressing;

/// <summary>
/// Where a node listens: actor system name plus host and port. It identifies a node's place in the
/// cluster across restarts; <see cref="UniqueAddress"/> adds the incarnation that tells restarts apart.
/// </summary>
public readonly record struct NodeAddress
{
    /// <summary>Creates an address after checking that every part is usable on the wire and in the store.</summary>
    public NodeAddress(string system, string host, int port)
    {
        if (string.IsNullOrWhiteSpace(system) || system.AsSpan().IndexOfAny("@:#|,/ ") >= 0)
            throw new ArgumentException($"System name '{system}' is empty or contains one of '@:#|,/ ' (allowed: letters, digits, '-', '_', '.').", nameof(system));
        if (string.IsNullOrWhiteSpace(host) || host.AsSpan().IndexOfAny("@#|,/ ") >= 0)
            throw new ArgumentException($"Host '{host}' is empty or contains one of '@#|,/ '.", nameof(host));
        if (port is < 0 or > 65535)
            throw new ArgumentOutOfRangeException(nameof(port), port, "Port must be between 0 and 65535.");
        System = system;
        Host = host;
        Port = port;
    }

    /// <summary>Actor system (cluster) name; nodes of different systems refuse each other.</summary>
    public string System { get; }

    /// <summary>Host name or IP the node advertises and listens on.</summary>
    public string Host { get; }

    /// <summary>TCP port of the node's transport.</summary>
    public int Port { get; }

    /// <summary>Total order used for deterministic tie-breaks (for example which of two simultaneous connections survives).</summary>
    public static int Compare(NodeAddress a, NodeAddress b)
    {
        var c = string.CompareOrdinal(a.System, b.System);
        if (c != 0) return c;
        c = string.CompareOrdinal(a.Host, b.Host);
        return c != 0 ? c : a.Port.CompareTo(b.Port);
    }

    /// <summary>Akka-style text form, <c>pipeline://system@host:port</c>.</summary>
    public override string ToString() => $"pipeline://{System}@{Host}:{Port}";
}
