using Pipeline.Streams.Dsl;

namespace Pipeline.Streams.Offsets;

/// <summary>
/// Commits offsets at the end of a pipeline: put it after the stages that process the records, so that an offset
/// is committed only once every record up to it went through them. Commits the highest offset per source of each
/// batch (every N records or on an interval, and once more when the stream completes). A crash replays from the
/// last commit: duplicates only after it, nothing lost.
/// </summary>
public static class Committer
{
    /// <summary>A flow that commits and passes the records on (for stages after the commit, e.g. metrics).</summary>
    public static Flow<T, IReadOnlyList<T>, NotUsed> Flow<T>(IOffsetStore store, CommitterSettings? settings = null) where T : ICommittableOffset
    {
        ArgumentNullException.ThrowIfNull(store);
        var s = settings ?? new CommitterSettings();
        return Dsl.Flow.Create<T>().GroupedWithin(s.MaxBatch, s.MaxInterval).SelectAsync(1, async batch =>
        {
            foreach (var group in batch.GroupBy(r => r.SourceId))
                await store.CommitAsync(group.Key, group.Max(r => r.Offset)).ConfigureAwait(false);
            return batch;
        });
    }

    /// <summary>
    /// A sink that commits every <see cref="CommitterSettings.MaxBatch"/> records (or interval) without pausing the
    /// stream while a commit is in flight (up to <see cref="CommitterSettings.MaxInFlight"/> at once; a full batch
    /// beyond that waits for a free slot); its task completes after the last commit.
    /// </summary>
    public static Sink<T, Task> Sink<T>(IOffsetStore store, CommitterSettings? settings = null) where T : ICommittableOffset
    {
        ArgumentNullException.ThrowIfNull(store);
        var s = settings ?? new CommitterSettings();
        if (s.MaxBatch < 1) throw new ArgumentOutOfRangeException(nameof(settings), s.MaxBatch, "CommitterSettings.MaxBatch must be at least 1.");
        if (s.MaxInFlight < 1) throw new ArgumentOutOfRangeException(nameof(settings), s.MaxInFlight, "CommitterSettings.MaxInFlight must be at least 1.");
        if (s.MaxInterval <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(settings), s.MaxInterval, "CommitterSettings.MaxInterval must be positive.");
        return Dsl.Sink.FromGraph<T, Task>(new CommitterSinkStage<T>(store, s));
    }
}
