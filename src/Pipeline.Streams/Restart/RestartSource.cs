using Pipeline.Streams.Dsl;

namespace Pipeline.Streams.Restart;

/// <summary>A source that rebuilds its inner source with exponential backoff when it fails (or completes).</summary>
public static class RestartSource
{
    /// <summary>Restarts the inner source when it completes or fails.</summary>
    public static Source<T, NotUsed> WithBackoff<T, TMat>(RestartSettings settings, Func<Source<T, TMat>> factory)
        => Create(settings, factory, onlyOnFailures: false);

    /// <summary>Restarts the inner source only when it fails; a completion completes the outer source.</summary>
    public static Source<T, NotUsed> OnFailuresWithBackoff<T, TMat>(RestartSettings settings, Func<Source<T, TMat>> factory)
        => Create(settings, factory, onlyOnFailures: true);

    private static Source<T, NotUsed> Create<T, TMat>(RestartSettings settings, Func<Source<T, TMat>> factory, bool onlyOnFailures)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(factory);
        var stage = new RestartStage<NotUsed, T>(settings, (_, sink) => factory().To(sink).MapMaterializedValue(static _ => NotUsed.Instance),
            onlyOnFailures, hasInput: false, hasOutput: true);
        return Source.FromGraph<T, NotUsed>(stage);
    }
}
