using Pipeline.Runtime.Actors;

namespace Pipeline.Cluster.Benchmarks.Actors;

/// <summary>
/// The local half of a remote ping-pong pair (Akka.NET's RemotePingPong shape): on <see cref="Start"/> it puts
/// <c>window</c> payloads in flight to its remote echo actor, sends one more for every answer until
/// <c>count</c> were sent, and completes <c>done</c> when all <c>count</c> came back.
/// </summary>
internal sealed class PingClient(IActorRef echo, long count, int window, byte[] payload, TaskCompletionSource done) : ActorBase
{
    /// <summary>Starts the pair.</summary>
    public sealed class Start
    {
        public static readonly Start Instance = new();
    }

    private long _sent;
    private long _received;

    protected override bool Receive(object message)
    {
        switch (message)
        {
            case byte[]:
                _received++;
                if (_sent < count)
                {
                    echo.Tell(payload, Self);
                    _sent++;
                }
                else if (_received >= count)
                {
                    done.TrySetResult();
                }
                return true;
            case Start:
                for (var i = Math.Min(window, count); i > 0; i--)
                {
                    echo.Tell(payload, Self);
                    _sent++;
                }
                return true;
            default:
                return false;
        }
    }
}
