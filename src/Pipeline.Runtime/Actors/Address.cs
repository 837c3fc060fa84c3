namespace Pipeline.Runtime.Actors;

/// <summary>
/// Where an actor system lives: protocol, system name and, for remote-capable systems, host and port.
/// Local-only systems have no host. Paths print as <c>pipeline://name@host:port/user/a</c>.
/// </summary>
public sealed record Address(string Protocol, string System, string? Host = null, int? Port = null)
{
    /// <summary>The protocol name used by PipelineActors.</summary>
    public const string DefaultProtocol = "pipeline";

    /// <summary>Whether this address names a process reachable over the network.</summary>
    public bool HasGlobalScope => Host is not null;

    /// <inheritdoc />
    public override string ToString() => Host is null ? $"{Protocol}://{System}" : $"{Protocol}://{System}@{Host}:{Port}";

    /// <summary>Parses <c>protocol://system[@host:port]</c>.</summary>
    public static Address Parse(string text)
    {
        if (!TryParse(text, out var address)) throw new FormatException($"'{text}' is not an actor system address (expected protocol://system[@host:port]).");
        return address;
    }

    /// <summary>Parses <c>protocol://system[@host:port]</c>, returning false on malformed text.</summary>
    public static bool TryParse(string text, out Address address)
    {
        address = null!;
        var sep = text.IndexOf("://", StringComparison.Ordinal);
        if (sep <= 0) return false;
        var protocol = text[..sep];
        var rest = text[(sep + 3)..];
        var at = rest.IndexOf('@');
        if (at < 0)
        {
            if (rest.Length == 0) return false;
            address = new Address(protocol, rest);
            return true;
        }
        var system = rest[..at];
        var hostPort = rest[(at + 1)..];
        var colon = hostPort.LastIndexOf(':');
        if (system.Length == 0 || colon <= 0 || !int.TryParse(hostPort[(colon + 1)..], out var port)) return false;
        address = new Address(protocol, system, hostPort[..colon], port);
        return true;
    }
}
