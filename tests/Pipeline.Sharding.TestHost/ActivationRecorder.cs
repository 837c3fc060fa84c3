namespace Pipeline.Sharding.TestHost;

/// <summary>
/// Appends entity activations to this process's file, one line per event, flushed at once (a SIGKILL loses
/// nothing written): "start {entity} {utc ticks} {node}" and "stop {entity} {utc ticks} {start ticks}". The test
/// reads every node's file and checks that no two activations of an entity overlap.
/// </summary>
public sealed class ActivationRecorder : IDisposable
{
    private readonly StreamWriter _writer;
    private readonly Lock _lock = new();
    private string _node = "?";
    private long _last;

    public ActivationRecorder(string path)
    {
        _writer = new StreamWriter(new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read)) { AutoFlush = true };
    }

    public string Node
    {
        set { lock (_lock) _node = value; }
    }

    public long Started(string entityId)
    {
        lock (_lock)
        {
            var t = Now();
            _writer.WriteLine($"start {entityId} {t} {_node}");
            return t;
        }
    }

    public void Stopped(string entityId, long startedAt)
    {
        lock (_lock) _writer.WriteLine($"stop {entityId} {Now()} {startedAt}");
    }

    // Strictly increasing within the process, so a stop never shares a tick with the next start.
    private long Now() => _last = Math.Max(DateTime.UtcNow.Ticks, _last + 1);

    public void Dispose()
    {
        lock (_lock) _writer.Dispose();
    }
}
