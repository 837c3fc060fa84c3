using Pipeline.Runtime.Actors;

namespace Pipeline.Benchmarks.PingPong;

/// <summary>
/// One side of a pair, as in Akka.NET's PingPong client: on <see cref="Serve"/> it puts up to
/// <see cref="PingPongBenchmark.InFlightPerPair"/> balls in flight; every ball that comes back is sent again
/// until <c>repeat</c> were sent, and the run completes when <c>repeat</c> came back.
/// </summary>
internal sealed class PingPongClient(IActorRef destination, long repeat, TaskCompletionSource done) : ActorBase
{
    private long _sent;
    private long _received;

    protected override bool Receive(object message)
    {
        if (message is Ball)
        {
            _received++;
            if (_sent < repeat)
            {
                destination.Tell(message, Self);
                _sent++;
            }
            else if (_received >= repeat)
            {
                done.TrySetResult();
            }
            return true;
        }
        if (message is Serve)
        {
            var ball = new Ball();
            var initial = Math.Min(PingPongBenchmark.InFlightPerPair, repeat);
            for (var i = 0; i < initial; i++)
            {
                destination.Tell(ball, Self);
                _sent++;
            }
            return true;
        }
        return false;
    }
}
