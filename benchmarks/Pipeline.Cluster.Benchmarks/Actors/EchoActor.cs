using Pipeline.Runtime.Actors;

namespace Pipeline.Cluster.Benchmarks.Actors;

/// <summary>
/// Answers every message with itself (the remote half of a ping-pong pair and the Ask target), except
/// <see cref="CpuQuery"/>, which it answers with this process's CPU time in milliseconds (the client reports both sides).
/// </summary>
internal sealed class EchoActor : ActorBase
{
    public const string CpuQuery = "cpu?";

    protected override bool Receive(object message)
    {
        Sender.Tell(message is CpuQuery ? System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime.TotalMilliseconds : message, Self);
        return true;
    }
}
