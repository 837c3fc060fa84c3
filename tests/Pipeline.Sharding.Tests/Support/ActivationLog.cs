using System.Collections.Concurrent;

namespace Pipeline.Sharding.Tests.Support;

/// <summary>
/// Thread-safe record of entity activations (start/stop on a logical clock) and of the numbered messages each
/// entity received, shared by all entity instances of a test.
/// </summary>
public sealed class ActivationLog
{
    private long _clock;
    private readonly ConcurrentDictionary<string, List<(long Start, long Stop, string Path)>> _activations = new();
    private readonly ConcurrentDictionary<string, List<int>> _received = new();

    public long Started(string entityId, string path)
    {
        var t = Interlocked.Increment(ref _clock);
        var list = _activations.GetOrAdd(entityId, _ => new List<(long, long, string)>());
        lock (list) list.Add((t, long.MaxValue, path));
        return t;
    }

    public void Stopped(string entityId, long startedAt)
    {
        var t = Interlocked.Increment(ref _clock);
        var list = _activations[entityId];
        lock (list)
        {
            var i = list.FindIndex(a => a.Start == startedAt);
            list[i] = (list[i].Start, t, list[i].Path);
        }
    }

    public void Received(string entityId, int seq)
    {
        var list = _received.GetOrAdd(entityId, _ => new List<int>());
        lock (list) list.Add(seq);
    }

    public IReadOnlyList<int> ReceivedBy(string entityId)
    {
        if (!_received.TryGetValue(entityId, out var list)) return [];
        lock (list) return list.ToList();
    }

    public IReadOnlyList<(long Start, long Stop, string Path)> Activations(string entityId)
    {
        if (!_activations.TryGetValue(entityId, out var list)) return [];
        lock (list) return list.ToList();
    }

    public int ActiveCount => _activations.Values.Sum(l => { lock (l) return l.Count(a => a.Stop == long.MaxValue); });

    /// <summary>Fails when two activations of one entity overlap in time (two copies alive at once).</summary>
    public void AssertNoOverlap()
    {
        foreach (var (id, list) in _activations)
        {
            List<(long Start, long Stop, string Path)> copy;
            lock (list) copy = list.OrderBy(a => a.Start).ToList();
            for (var i = 1; i < copy.Count; i++)
                Assert.True(copy[i - 1].Stop < copy[i].Start,
                    $"entity {id}: activation at {copy[i].Path} (start {copy[i].Start}) began before the one at {copy[i - 1].Path} stopped ({copy[i - 1].Stop})");
        }
    }
}
