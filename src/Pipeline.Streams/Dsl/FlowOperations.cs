using Pipeline.Streams.Stages.Flows;
using Pipeline.Streams.Supervision;

namespace Pipeline.Streams.Dsl;

/// <summary>The operators of flows (Select, Where, Buffer, Throttle...); the same set exists for sources.</summary>
public static partial class FlowOperations
{
    /// <summary>Maps each element (Akka's Select/map). Failures of the selector follow the supervision decider.</summary>
    public static Flow<TIn, T2, TMat> Select<TIn, TOut, TMat, T2>(this Flow<TIn, TOut, TMat> flow, Func<TOut, T2> selector)
        => flow.ViaStage<T2>(new SelectStage<TOut, T2>(selector));

    /// <summary>Passes only the elements that match the predicate (Akka's Where/filter).</summary>
    public static Flow<TIn, TOut, TMat> Where<TIn, TOut, TMat>(this Flow<TIn, TOut, TMat> flow, Func<TOut, bool> predicate)
        => flow.ViaStage<TOut>(new WhereStage<TOut>(predicate));

    /// <summary>Maps each element to a sequence and emits its items, one per demand (Akka's SelectMany/mapConcat).</summary>
    public static Flow<TIn, T2, TMat> SelectMany<TIn, TOut, TMat, T2>(this Flow<TIn, TOut, TMat> flow, Func<TOut, IEnumerable<T2>> selector)
        => flow.ViaStage<T2>(new SelectManyStage<TOut, T2>(selector));

    /// <summary>Runs up to <paramref name="parallelism"/> tasks at once; emits results in upstream order.</summary>
    public static Flow<TIn, T2, TMat> SelectAsync<TIn, TOut, TMat, T2>(this Flow<TIn, TOut, TMat> flow, int parallelism, Func<TOut, Task<T2>> selector)
        => flow.ViaStage<T2>(new SelectAsyncStage<TOut, T2>(Check.Positive(parallelism, nameof(parallelism)), selector, ordered: true));

    /// <summary>Runs up to <paramref name="parallelism"/> tasks at once; emits results as they complete.</summary>
    public static Flow<TIn, T2, TMat> SelectAsyncUnordered<TIn, TOut, TMat, T2>(this Flow<TIn, TOut, TMat> flow, int parallelism, Func<TOut, Task<T2>> selector)
        => flow.ViaStage<T2>(new SelectAsyncStage<TOut, T2>(Check.Positive(parallelism, nameof(parallelism)), selector, ordered: false));

    /// <summary>Collects elements into lists of <paramref name="size"/> (the last may be shorter).</summary>
    public static Flow<TIn, IReadOnlyList<TOut>, TMat> Grouped<TIn, TOut, TMat>(this Flow<TIn, TOut, TMat> flow, int size)
        => flow.ViaStage<IReadOnlyList<TOut>>(new GroupedStage<TOut>(Check.Positive(size, nameof(size))));

    /// <summary>Collects elements into lists of at most <paramref name="size"/>, emitted when full or when <paramref name="window"/> has passed.</summary>
    public static Flow<TIn, IReadOnlyList<TOut>, TMat> GroupedWithin<TIn, TOut, TMat>(this Flow<TIn, TOut, TMat> flow, int size, TimeSpan window)
        => flow.ViaStage<IReadOnlyList<TOut>>(new GroupedWithinStage<TOut>(Check.Positive(size, nameof(size)), Check.Positive(window, nameof(window))));

    /// <summary>While the downstream is slower, aggregates up to <paramref name="max"/> elements into one instead of backpressuring.</summary>
    public static Flow<TIn, T2, TMat> Batch<TIn, TOut, TMat, T2>(this Flow<TIn, TOut, TMat> flow, long max, Func<TOut, T2> seed, Func<T2, TOut, T2> aggregate)
        => flow.ViaStage<T2>(new BatchStage<TOut, T2>(Check.Positive(max, nameof(max)), static _ => 1, seed, aggregate));

    /// <summary>Like Batch, with a cost per element: aggregates up to a total cost of <paramref name="max"/>.</summary>
    public static Flow<TIn, T2, TMat> BatchWeighted<TIn, TOut, TMat, T2>(this Flow<TIn, TOut, TMat> flow, long max, Func<TOut, long> cost, Func<TOut, T2> seed, Func<T2, TOut, T2> aggregate)
        => flow.ViaStage<T2>(new BatchStage<TOut, T2>(Check.Positive(max, nameof(max)), cost, seed, aggregate));

    /// <summary>While the downstream is slower, folds elements into one without bound on count (constant memory).</summary>
    public static Flow<TIn, TOut, TMat> Conflate<TIn, TOut, TMat>(this Flow<TIn, TOut, TMat> flow, Func<TOut, TOut, TOut> aggregate)
        => flow.ViaStage<TOut>(new BatchStage<TOut, TOut>(long.MaxValue, static _ => 0, static x => x, aggregate));

    /// <summary>Conflate into another type: seeds a summary from the first element and folds later ones into it.</summary>
    public static Flow<TIn, T2, TMat> ConflateWithSeed<TIn, TOut, TMat, T2>(this Flow<TIn, TOut, TMat> flow, Func<TOut, T2> seed, Func<T2, TOut, T2> aggregate)
        => flow.ViaStage<T2>(new BatchStage<TOut, T2>(long.MaxValue, static _ => 0, seed, aggregate));

    /// <summary>A bounded buffer of <paramref name="size"/> elements with an overflow strategy (drops are counted; see BufferMonitored).</summary>
    public static Flow<TIn, TOut, TMat> Buffer<TIn, TOut, TMat>(this Flow<TIn, TOut, TMat> flow, int size, OverflowStrategy overflow)
        => flow.ViaStage<TOut>(new BufferStage<TOut>(Check.Positive(size, nameof(size)), overflow));

    /// <summary>Limits the rate to <paramref name="elements"/> per <paramref name="per"/> with bursts up to <paramref name="maximumBurst"/>: shaping delays, enforcing fails.</summary>
    public static Flow<TIn, TOut, TMat> Throttle<TIn, TOut, TMat>(this Flow<TIn, TOut, TMat> flow, int elements, TimeSpan per, int maximumBurst, ThrottleMode mode)
        => flow.ViaStage<TOut>(new ThrottleStage<TOut>(Check.Positive(elements, nameof(elements)), Check.Positive(per, nameof(per)), maximumBurst, static _ => 1, mode));

    /// <summary>Limits the rate to <paramref name="cost"/> units per <paramref name="per"/>, each element costing <paramref name="costOf"/>.</summary>
    public static Flow<TIn, TOut, TMat> ThrottleWeighted<TIn, TOut, TMat>(this Flow<TIn, TOut, TMat> flow, int cost, TimeSpan per, int maximumBurst, Func<TOut, int> costOf, ThrottleMode mode)
        => flow.ViaStage<TOut>(new ThrottleStage<TOut>(Check.Positive(cost, nameof(cost)), Check.Positive(per, nameof(per)), maximumBurst, costOf, mode));

    /// <summary>Passes the first <paramref name="count"/> elements, then completes and cancels the upstream.</summary>
    public static Flow<TIn, TOut, TMat> Take<TIn, TOut, TMat>(this Flow<TIn, TOut, TMat> flow, long count)
        => flow.ViaStage<TOut>(new TakeStage<TOut>(count));

    /// <summary>Passes elements while <paramref name="predicate"/> holds, then completes (emitting the first failing one when <paramref name="inclusive"/>).</summary>
    public static Flow<TIn, TOut, TMat> TakeWhile<TIn, TOut, TMat>(this Flow<TIn, TOut, TMat> flow, Func<TOut, bool> predicate, bool inclusive = false)
        => flow.ViaStage<TOut>(new TakeWhileStage<TOut>(predicate, inclusive));

    /// <summary>Drops the first <paramref name="count"/> elements.</summary>
    public static Flow<TIn, TOut, TMat> Skip<TIn, TOut, TMat>(this Flow<TIn, TOut, TMat> flow, long count)
        => flow.ViaStage<TOut>(new SkipStage<TOut>(count));

    /// <summary>Emits the seed and then every running accumulation.</summary>
    public static Flow<TIn, TAcc, TMat> Scan<TIn, TOut, TMat, TAcc>(this Flow<TIn, TOut, TMat> flow, TAcc seed, Func<TAcc, TOut, TAcc> aggregate)
        => flow.ViaStage<TAcc>(new ScanStage<TOut, TAcc>(seed, aggregate));

    /// <summary>Folds all elements and emits the result when the upstream completes.</summary>
    public static Flow<TIn, TAcc, TMat> Aggregate<TIn, TOut, TMat, TAcc>(this Flow<TIn, TOut, TMat> flow, TAcc seed, Func<TAcc, TOut, TAcc> aggregate)
        => flow.ViaStage<TAcc>(new AggregateStage<TOut, TAcc>(seed, aggregate));

    /// <summary>Turns an upstream failure (that <paramref name="when"/> accepts) into one last element, then completes.</summary>
    public static Flow<TIn, TOut, TMat> Recover<TIn, TOut, TMat>(this Flow<TIn, TOut, TMat> flow, Func<Exception, TOut> handler, Func<Exception, bool>? when = null)
        => flow.ViaStage<TOut>(new RecoverStage<TOut>(e => when is null || when(e) ? (true, handler(e)) : (false, default!)));

    /// <summary>Sets the supervision decider of the stages so far (that do not set their own).</summary>
    public static Flow<TIn, TOut, TMat> WithSupervision<TIn, TOut, TMat>(this Flow<TIn, TOut, TMat> flow, Decider decider)
        => flow.WithAttributes(Attributes.CreateSupervision(decider));
}
