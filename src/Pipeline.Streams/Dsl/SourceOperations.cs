using Pipeline.Streams.Stages.Flows;
using Pipeline.Streams.Supervision;

namespace Pipeline.Streams.Dsl;

/// <summary>The operators of sources (Select, Where, Buffer, Throttle...); the same set exists for flows.</summary>
public static partial class SourceOperations
{
    /// <summary>Maps each element (Akka's Select/map). Failures of the selector follow the supervision decider.</summary>
    public static Source<T2, TMat> Select<TOut, TMat, T2>(this Source<TOut, TMat> source, Func<TOut, T2> selector)
        => source.ViaStage<T2>(new SelectStage<TOut, T2>(selector));

    /// <summary>Passes only the elements that match the predicate (Akka's Where/filter).</summary>
    public static Source<TOut, TMat> Where<TOut, TMat>(this Source<TOut, TMat> source, Func<TOut, bool> predicate)
        => source.ViaStage<TOut>(new WhereStage<TOut>(predicate));

    /// <summary>Maps each element to a sequence and emits its items, one per demand (Akka's SelectMany/mapConcat).</summary>
    public static Source<T2, TMat> SelectMany<TOut, TMat, T2>(this Source<TOut, TMat> source, Func<TOut, IEnumerable<T2>> selector)
        => source.ViaStage<T2>(new SelectManyStage<TOut, T2>(selector));

    /// <summary>Runs up to <paramref name="parallelism"/> tasks at once; emits results in upstream order.</summary>
    public static Source<T2, TMat> SelectAsync<TOut, TMat, T2>(this Source<TOut, TMat> source, int parallelism, Func<TOut, Task<T2>> selector)
        => source.ViaStage<T2>(new SelectAsyncStage<TOut, T2>(Check.Positive(parallelism, nameof(parallelism)), selector, ordered: true));

    /// <summary>Runs up to <paramref name="parallelism"/> tasks at once; emits results as they complete.</summary>
    public static Source<T2, TMat> SelectAsyncUnordered<TOut, TMat, T2>(this Source<TOut, TMat> source, int parallelism, Func<TOut, Task<T2>> selector)
        => source.ViaStage<T2>(new SelectAsyncStage<TOut, T2>(Check.Positive(parallelism, nameof(parallelism)), selector, ordered: false));

    /// <summary>Collects elements into lists of <paramref name="size"/> (the last may be shorter).</summary>
    public static Source<IReadOnlyList<TOut>, TMat> Grouped<TOut, TMat>(this Source<TOut, TMat> source, int size)
        => source.ViaStage<IReadOnlyList<TOut>>(new GroupedStage<TOut>(Check.Positive(size, nameof(size))));

    /// <summary>Collects elements into lists of at most <paramref name="size"/>, emitted when full or when <paramref name="window"/> has passed.</summary>
    public static Source<IReadOnlyList<TOut>, TMat> GroupedWithin<TOut, TMat>(this Source<TOut, TMat> source, int size, TimeSpan window)
        => source.ViaStage<IReadOnlyList<TOut>>(new GroupedWithinStage<TOut>(Check.Positive(size, nameof(size)), Check.Positive(window, nameof(window))));

    /// <summary>While the downstream is slower, aggregates up to <paramref name="max"/> elements into one instead of backpressuring.</summary>
    public static Source<T2, TMat> Batch<TOut, TMat, T2>(this Source<TOut, TMat> source, long max, Func<TOut, T2> seed, Func<T2, TOut, T2> aggregate)
        => source.ViaStage<T2>(new BatchStage<TOut, T2>(Check.Positive(max, nameof(max)), static _ => 1, seed, aggregate));

    /// <summary>Like Batch, with a cost per element: aggregates up to a total cost of <paramref name="max"/>.</summary>
    public static Source<T2, TMat> BatchWeighted<TOut, TMat, T2>(this Source<TOut, TMat> source, long max, Func<TOut, long> cost, Func<TOut, T2> seed, Func<T2, TOut, T2> aggregate)
        => source.ViaStage<T2>(new BatchStage<TOut, T2>(Check.Positive(max, nameof(max)), cost, seed, aggregate));

    /// <summary>While the downstream is slower, folds elements into one without bound on count (constant memory).</summary>
    public static Source<TOut, TMat> Conflate<TOut, TMat>(this Source<TOut, TMat> source, Func<TOut, TOut, TOut> aggregate)
        => source.ViaStage<TOut>(new BatchStage<TOut, TOut>(long.MaxValue, static _ => 0, static x => x, aggregate));

    /// <summary>Conflate into another type: seeds a summary from the first element and folds later ones into it.</summary>
    public static Source<T2, TMat> ConflateWithSeed<TOut, TMat, T2>(this Source<TOut, TMat> source, Func<TOut, T2> seed, Func<T2, TOut, T2> aggregate)
        => source.ViaStage<T2>(new BatchStage<TOut, T2>(long.MaxValue, static _ => 0, seed, aggregate));

    /// <summary>A bounded buffer of <paramref name="size"/> elements with an overflow strategy (drops are counted; see BufferMonitored).</summary>
    public static Source<TOut, TMat> Buffer<TOut, TMat>(this Source<TOut, TMat> source, int size, OverflowStrategy overflow)
        => source.ViaStage<TOut>(new BufferStage<TOut>(Check.Positive(size, nameof(size)), overflow));

    /// <summary>Limits the rate to <paramref name="elements"/> per <paramref name="per"/> with bursts up to <paramref name="maximumBurst"/>: shaping delays, enforcing fails.</summary>
    public static Source<TOut, TMat> Throttle<TOut, TMat>(this Source<TOut, TMat> source, int elements, TimeSpan per, int maximumBurst, ThrottleMode mode)
        => source.ViaStage<TOut>(new ThrottleStage<TOut>(Check.Positive(elements, nameof(elements)), Check.Positive(per, nameof(per)), maximumBurst, static _ => 1, mode));

    /// <summary>Limits the rate to <paramref name="cost"/> units per <paramref name="per"/>, each element costing <paramref name="costOf"/>.</summary>
    public static Source<TOut, TMat> ThrottleWeighted<TOut, TMat>(this Source<TOut, TMat> source, int cost, TimeSpan per, int maximumBurst, Func<TOut, int> costOf, ThrottleMode mode)
        => source.ViaStage<TOut>(new ThrottleStage<TOut>(Check.Positive(cost, nameof(cost)), Check.Positive(per, nameof(per)), maximumBurst, costOf, mode));

    /// <summary>Passes the first <paramref name="count"/> elements, then completes and cancels the upstream.</summary>
    public static Source<TOut, TMat> Take<TOut, TMat>(this Source<TOut, TMat> source, long count)
        => source.ViaStage<TOut>(new TakeStage<TOut>(count));

    /// <summary>Passes elements while <paramref name="predicate"/> holds, then completes (emitting the first failing one when <paramref name="inclusive"/>).</summary>
    public static Source<TOut, TMat> TakeWhile<TOut, TMat>(this Source<TOut, TMat> source, Func<TOut, bool> predicate, bool inclusive = false)
        => source.ViaStage<TOut>(new TakeWhileStage<TOut>(predicate, inclusive));

    /// <summary>Drops the first <paramref name="count"/> elements.</summary>
    public static Source<TOut, TMat> Skip<TOut, TMat>(this Source<TOut, TMat> source, long count)
        => source.ViaStage<TOut>(new SkipStage<TOut>(count));

    /// <summary>Emits the seed and then every running accumulation.</summary>
    public static Source<TAcc, TMat> Scan<TOut, TMat, TAcc>(this Source<TOut, TMat> source, TAcc seed, Func<TAcc, TOut, TAcc> aggregate)
        => source.ViaStage<TAcc>(new ScanStage<TOut, TAcc>(seed, aggregate));

    /// <summary>Folds all elements and emits the result when the upstream completes.</summary>
    public static Source<TAcc, TMat> Aggregate<TOut, TMat, TAcc>(this Source<TOut, TMat> source, TAcc seed, Func<TAcc, TOut, TAcc> aggregate)
        => source.ViaStage<TAcc>(new AggregateStage<TOut, TAcc>(seed, aggregate));

    /// <summary>Turns an upstream failure (that <paramref name="when"/> accepts) into one last element, then completes.</summary>
    public static Source<TOut, TMat> Recover<TOut, TMat>(this Source<TOut, TMat> source, Func<Exception, TOut> handler, Func<Exception, bool>? when = null)
        => source.ViaStage<TOut>(new RecoverStage<TOut>(e => when is null || when(e) ? (true, handler(e)) : (false, default!)));

    /// <summary>Sets the supervision decider of the stages so far (that do not set their own).</summary>
    public static Source<TOut, TMat> WithSupervision<TOut, TMat>(this Source<TOut, TMat> source, Decider decider)
        => source.WithAttributes(Attributes.CreateSupervision(decider));
}
