using Pipeline.Cluster.Membership.Events;
using Pipeline.Runtime.Actors;

namespace Pipeline.Cluster.TestHost;

/// <summary>Answers <see cref="HostPing"/> with this node's address.</summary>
public sealed class EchoActor : ReceiveActor
{
    public EchoActor(string node) => Receive<HostPing>(p => Reply(new HostPong(p.Text, node)));
}

/// <summary>Prints every cluster event it is subscribed to, one line each: "event Type node#uid".</summary>
public sealed class EventPrinter : ReceiveActor
{
    public EventPrinter(TextWriter output) =>
        Receive<ClusterEvent>(e => output.WriteLine(e switch
        {
            MemberEvent m => $"event {e.GetType().Name} {m.Member.Node}",
            OldestChanged o => $"event OldestChanged {o.Oldest?.Node.ToString() ?? "none"}",
            NodeFenced f => $"event NodeFenced {f.Reason}",
            _ => $"event {e.GetType().Name}",
        }));
}

/// <summary>
/// The cluster singleton of the test host: records each activation (start, stop, with unix-ms timestamps) in
/// this process's own file under a shared directory, prints it, and answers pings with its node.
/// </summary>
public sealed class RecordingSingleton : ReceiveActor
{
    private readonly string _node;
    private readonly string _file;
    private readonly TextWriter _output;

    public RecordingSingleton(string node, string directory, TextWriter output)
    {
        _node = node;
        _file = Path.Combine(directory, $"activations-{Environment.ProcessId}.log");
        _output = output;
        Receive<HostPing>(p => Reply(new HostPong(p.Text, _node)));
    }

    protected override void PreStart()
    {
        File.AppendAllText(_file, $"start {_node} {DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()}\n");
        _output.WriteLine($"singleton-started {_node}");
    }

    protected override void PostStop()
    {
        File.AppendAllText(_file, $"stop {_node} {DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()}\n");
        _output.WriteLine($"singleton-stopped {_node}");
    }
}
