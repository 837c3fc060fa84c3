namespace Pipeline.Runtime.Routing;

/// <summary>Sends to the routees in turn: the first message to routee 0, the next to routee 1, and so on, wrapping around.</summary>
public sealed class RoundRobinRoutingLogic : RoutingLogic
{
    private int _next = -1;

    /// <inheritdoc />
    public override Routee Select(object message, Routee[] routees)
    {
        var count = routees.Length;
        if (count == 0) return NoRoutee.Instance;
        var turn = (uint)Interlocked.Increment(ref _next);
        return routees[(int)(turn % (uint)count)];
    }
}
