namespace Pipeline.Runtime.Routing;

/// <summary>A group router that sends each message to a random member: <c>new RandomGroup("/user/w1", "/user/w2").Props()</c>.</summary>
public sealed class RandomGroup : Group
{
    /// <summary>Creates the group over absolute actor paths.</summary>
    public RandomGroup(IEnumerable<string> paths) : base(paths) { }

    /// <summary>Creates the group over absolute actor paths.</summary>
    public RandomGroup(params string[] paths) : base(paths) { }

    /// <inheritdoc />
    public override RoutingLogic CreateRoutingLogic() => new RandomRoutingLogic();
}
