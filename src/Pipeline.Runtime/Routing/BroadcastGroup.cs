namespace Pipeline.Runtime.Routing;

/// <summary>A group router that sends every message to all members: <c>new BroadcastGroup("/user/w1", "/user/w2").Props()</c>.</summary>
public sealed class BroadcastGroup : Group
{
    /// <summary>Creates the group over absolute actor paths.</summary>
    public BroadcastGroup(IEnumerable<string> paths) : base(paths) { }

    /// <summary>Creates the group over absolute actor paths.</summary>
    public BroadcastGroup(params string[] paths) : base(paths) { }

    /// <inheritdoc />
    public override RoutingLogic CreateRoutingLogic() => new BroadcastRoutingLogic();
}
