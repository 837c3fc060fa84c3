using System.Collections.Concurrent;

namespace Pipeline.Streams.Offsets;

/// <summary>An offset store in memory (tests, throwaway pipelines); counts commits.</summary>
public sealed class InMemoryOffsetStore : IOffsetStore
{
    private readonly ConcurrentDictionary<string, long> _offsets = new(StringComparer.Ordinal);
    private long _commits;

    /// <summary>How many commits were made.</summary>
    public long Commits => Interlocked.Read(ref _commits);

    /// <inheritdoc />
    public ValueTask<long?> LoadAsync(string sourceId, CancellationToken cancellationToken = default)
        => ValueTask.FromResult(_offsets.TryGetValue(sourceId, out var o) ? o : (long?)null);

    /// <inheritdoc />
    public ValueTask CommitAsync(string sourceId, long offset, CancellationToken cancellationToken = default)
    {
        _offsets.AddOrUpdate(sourceId, offset, (_, old) => Math.Max(old, offset));
        Interlocked.Increment(ref _commits);
        return ValueTask.CompletedTask;
    }
}
