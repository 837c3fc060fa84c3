namespace Pipeline.Runtime.Routing;

/// <summary>
/// Grows (positive <see cref="Change"/>) or shrinks (negative) a pool router. New routees are created from the
/// pool's routee props; removed ones are the last in routing order and are stopped with a
/// <see cref="Actors.PoisonPill"/> after the messages they already hold. Groups ignore it (logged).
/// </summary>
/// <param name="Change">How many routees to add (positive) or remove (negative).</param>
public sealed record AdjustPoolSize(int Change) : IRouterManagementMessage;
