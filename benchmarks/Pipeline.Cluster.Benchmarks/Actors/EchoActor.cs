using Pipeline.Runtime.Actors;

namespace Pipeline.Cluster.Benchmarks.Actors;

/// <summary>
/// Answers every message with itself (the remote half of a ping-pong pair and the Ask target), except
/// <see cref="CpuQuery"/>, which it answers with this process's CPU time in milliseconds (the client reports both sides),
/// and <see cref="JitQuery"/>, which it answers with the number of methods this process has JIT-compiled so far (the
/// client waits for both processes' compilers to go quiet before it times a round).
/// </summary>
internal sealed class EchoActor : ActorBase
{
    public const string CpuQuery = "cpu?";
    public const string JitQuery = "jit?";

    protected override bool Receive(object message)
    {
        Sender.Tell(message switch
        {
            CpuQuery => System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime.TotalMilliseconds,
            JitQuery => (double)System.Runtime.JitInfo.GetCompiledMethodCount(),
            _ => message,
        }, Self);
        return true;
    }
}
