using Pipeline.Streams.Dsl;

namespace Pipeline.Streams.Restart;

/// <summary>A sink that rebuilds its inner sink with exponential backoff when it fails or cancels.</summary>
public static class RestartSink
{
    /// <summary>Restarts the inner sink when it fails or cancels.</summary>
    public static Sink<T, NotUsed> WithBackoff<T, TMat>(RestartSettings settings, Func<Sink<T, TMat>> factory)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(factory);
        var stage = new RestartStage<T, NotUsed>(settings, (source, _) => source.To(factory()),
            onlyOnFailures: false, hasInput: true, hasOutput: false);
        return Sink.FromGraph<T, NotUsed>(stage);
    }
}
