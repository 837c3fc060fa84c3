using Pipeline.Streams.Dsl;

namespace Pipeline.Streams.Restart;

/// <summary>A flow that rebuilds its inner flow with exponential backoff when it fails (or completes).</summary>
public static class RestartFlow
{
    /// <summary>Restarts the inner flow when it completes or fails.</summary>
    public static Flow<TIn, TOut, NotUsed> WithBackoff<TIn, TOut, TMat>(RestartSettings settings, Func<Flow<TIn, TOut, TMat>> factory)
        => Create(settings, factory, false);

    /// <summary>Restarts the inner flow only when it fails.</summary>
    public static Flow<TIn, TOut, NotUsed> OnFailuresWithBackoff<TIn, TOut, TMat>(RestartSettings settings, Func<Flow<TIn, TOut, TMat>> factory)
        => Create(settings, factory, true);

    private static Flow<TIn, TOut, NotUsed> Create<TIn, TOut, TMat>(RestartSettings settings, Func<Flow<TIn, TOut, TMat>> factory, bool onlyOnFailures)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(factory);
        return Flow.FromGraph<TIn, TOut, NotUsed>(new RestartStage<TIn, TOut>(settings, (source, sink) => source.Via(factory()).To(sink),
            onlyOnFailures, hasInput: true, hasOutput: true));
    }
}
