namespace Pipeline.Runtime.Routing;

/// <summary>Asks a router for its current routees; it answers <see cref="Routees"/>.</summary>
public sealed record GetRoutees : IRouterManagementMessage
{
    /// <summary>A shared instance (any instance works).</summary>
    public static GetRoutees Instance { get; } = new();
}
