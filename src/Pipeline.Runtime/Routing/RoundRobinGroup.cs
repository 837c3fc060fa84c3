namespace Pipeline.Runtime.Routing;

/// <summary>A group router that sends to its members in turn: <c>new RoundRobinGroup("/user/w1", "/user/w2").Props()</c>.</summary>
public sealed class RoundRobinGroup : Group
{
    /// <summary>Creates the group over absolute actor paths.</summary>
    public RoundRobinGroup(IEnumerable<string> paths) : base(paths) { }

    /// <summary>Creates the group over absolute actor paths.</summary>
    public RoundRobinGroup(params string[] paths) : base(paths) { }

    /// <inheritdoc />
    public override RoutingLogic CreateRoutingLogic() => new RoundRobinRoutingLogic();
}
