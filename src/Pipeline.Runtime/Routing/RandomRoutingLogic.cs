namespace Pipeline.Runtime.Routing;

/// <summary>Sends each message to a routee picked uniformly at random (no coordination, no state).</summary>
public sealed class RandomRoutingLogic : RoutingLogic
{
    /// <inheritdoc />
    public override Routee Select(object message, Routee[] routees)
        => routees.Length == 0 ? NoRoutee.Instance : routees[Random.Shared.Next(routees.Length)];
}
