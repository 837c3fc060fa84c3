using System.Text;

namespace Pipeline.Runtime.Actors;

/// <summary>
/// The name of an actor in its system's hierarchy, e.g. <c>pipeline://sys/user/ingest/source-7</c>.
/// Two paths are equal when they name the same place; the <see cref="Uid"/> tells incarnations apart
/// (a restarted-from-scratch actor with the same name gets a new uid). Kept small: an actor path is part of
/// the cost of every idle actor.
/// </summary>
public sealed class ActorPath : IEquatable<ActorPath>, IComparable<ActorPath>
{
    // The parent path, or on the root the system address: one field instead of two, since every actor has a path.
    private readonly object _parentOrAddress;

    private ActorPath(Address address)
    {
        _parentOrAddress = address;
        Name = "/";
    }

    private ActorPath(ActorPath parent, string name, int uid)
    {
        _parentOrAddress = parent;
        Name = name;
        Uid = uid;
    }

    /// <summary>The parent, or null on the root.</summary>
    private ActorPath? ParentOrNull => _parentOrAddress as ActorPath;

    /// <summary>The root path of an address.</summary>
    public static ActorPath RootOf(Address address) => new(address);

    /// <summary>The last element ("/" for the root).</summary>
    public string Name { get; }

    /// <summary>The incarnation id of the actor at this path (0 when unknown).</summary>
    public int Uid { get; }

    /// <summary>The parent path (the root's parent is itself).</summary>
    public ActorPath Parent => ParentOrNull ?? this;

    /// <summary>The root of this path.</summary>
    public ActorPath Root
    {
        get
        {
            var p = this;
            while (p.ParentOrNull is { } up) p = up;
            return p;
        }
    }

    /// <summary>The system address this path belongs to.</summary>
    public Address Address => (Address)Root._parentOrAddress;

    /// <summary>Depth below the root (the root is 0).</summary>
    public int Depth
    {
        get
        {
            var d = 0;
            for (var p = this; p.ParentOrNull is not null; p = p.ParentOrNull) d++;
            return d;
        }
    }

    /// <summary>The elements below the root, e.g. ["user", "a", "b"].</summary>
    public IReadOnlyList<string> Elements
    {
        get
        {
            var list = new string[Depth];
            var i = list.Length;
            for (var p = this; p.ParentOrNull is not null; p = p.ParentOrNull) list[--i] = p.Name;
            return list;
        }
    }

    /// <summary>A child path.</summary>
    public ActorPath Child(string name, int uid = 0) => new(this, name, uid);

    /// <summary>A child path made of several elements.</summary>
    public ActorPath Descendant(IEnumerable<string> elements)
    {
        var p = this;
        foreach (var e in elements) p = p.Child(e);
        return p;
    }

    /// <summary>This path with another uid.</summary>
    public ActorPath WithUid(int uid) => ParentOrNull is { } parent ? new ActorPath(parent, Name, uid) : this;

    /// <summary>The path without address, e.g. <c>/user/a</c>.</summary>
    public string ToStringWithoutAddress()
    {
        if (ParentOrNull is null) return "/";
        var sb = new StringBuilder();
        AppendElements(sb);
        return sb.ToString();
    }

    /// <summary>The path with another address (used when a local path is sent to another node).</summary>
    public string ToStringWithAddress(Address address) => address + ToStringWithoutAddress();

    /// <inheritdoc />
    public override string ToString() => Address + ToStringWithoutAddress();

    private void AppendElements(StringBuilder sb)
    {
        if (ParentOrNull is not { } parent) return;
        parent.AppendElements(sb);
        sb.Append('/').Append(Name);
    }

    /// <summary>Parses a full path <c>protocol://system[@host:port]/a/b</c>.</summary>
    public static ActorPath Parse(string text)
    {
        if (!TryParse(text, out var path)) throw new FormatException($"'{text}' is not an actor path (expected protocol://system[@host:port]/element/...).");
        return path;
    }

    /// <summary>Parses a full path, returning false on malformed text.</summary>
    public static bool TryParse(string text, out ActorPath path)
    {
        path = null!;
        var sep = text.IndexOf("://", StringComparison.Ordinal);
        if (sep <= 0) return false;
        var slash = text.IndexOf('/', sep + 3);
        var addressText = slash < 0 ? text : text[..slash];
        if (!Address.TryParse(addressText, out var address)) return false;
        path = RootOf(address);
        if (slash < 0) return true;
        foreach (var element in text[(slash + 1)..].Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            var hash = element.IndexOf('#');
            path = hash < 0 ? path.Child(element) : path.Child(element[..hash], int.TryParse(element[(hash + 1)..], out var uid) ? uid : 0);
        }
        return true;
    }

    /// <inheritdoc />
    public bool Equals(ActorPath? other)
    {
        if (ReferenceEquals(this, other)) return true;
        if (other is null) return false;
        ActorPath? a = this, b = other;
        while (a.ParentOrNull is not null && b.ParentOrNull is not null)
        {
            if (!string.Equals(a.Name, b.Name, StringComparison.Ordinal)) return false;
            a = a.ParentOrNull;
            b = b.ParentOrNull;
            if (ReferenceEquals(a, b)) return true;
        }
        return a.ParentOrNull is null && b.ParentOrNull is null && ((Address)a._parentOrAddress).Equals((Address)b._parentOrAddress);
    }

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is ActorPath p && Equals(p);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var h = new HashCode();
        for (var p = this; p.ParentOrNull is not null; p = p.ParentOrNull) h.Add(p.Name);
        return h.ToHashCode();
    }

    /// <inheritdoc />
    public int CompareTo(ActorPath? other) => other is null ? 1 : string.CompareOrdinal(ToString(), other.ToString());

    /// <summary>Equality by place.</summary>
    public static bool operator ==(ActorPath? a, ActorPath? b) => a is null ? b is null : a.Equals(b);

    /// <summary>Inequality by place.</summary>
    public static bool operator !=(ActorPath? a, ActorPath? b) => !(a == b);

    /// <summary>Whether a name is valid for an actor: non-empty, no '/', no '#', not starting with '$'.</summary>
    public static bool IsValidName(string name)
        => !string.IsNullOrEmpty(name) && name[0] != '$' && name.IndexOfAny(['/', '#', ' ', '\n', '\t']) < 0;
}
