using Pipeline.Runtime.Actors;

namespace Pipeline.Runtime.Routing;

/// <summary>
/// Sends each message to the routee with the fewest queued messages, as measured on its local mailbox: an idle
/// routee with an empty mailbox wins at once; a suspended one (failed, awaiting its supervisor) ranks behind any
/// running one with the same depth; routees whose mailbox cannot be seen (remote actors, path-based routees) rank
/// after every local one, and stopped ones last. Ties go to the routee found first, scanning from a start point
/// that moves on with every message so that idle routees share the load.
/// </summary>
public sealed class SmallestMailboxRoutingLogic : RoutingLogic
{
    private const long SuspendedPenalty = 1L << 32;
    private const long Unknown = long.MaxValue - 1;
    private const long Dead = long.MaxValue;

    private int _start = -1;

    /// <inheritdoc />
    public override Routee Select(object message, Routee[] routees)
    {
        var count = routees.Length;
        if (count == 0) return NoRoutee.Instance;
        var start = (int)((uint)Interlocked.Increment(ref _start) % (uint)count);
        Routee best = routees[start];
        var bestScore = long.MaxValue;
        for (var i = 0; i < count; i++)
        {
            var candidate = routees[(start + i) % count];
            var score = Score(candidate);
            if (score == 0) return candidate;
            if (score < bestScore)
            {
                bestScore = score;
                best = candidate;
            }
        }
        return best;
    }

    private static long Score(Routee routee)
    {
        if (routee is not ActorRefRoutee { Actor: ActorCell cell }) return Unknown;
        var mailbox = cell.Mailbox;
        if (mailbox.IsClosed) return Dead;
        long score = mailbox.NumberOfMessages;
        if (mailbox.IsSuspended) score += SuspendedPenalty;
        return score;
    }
}
