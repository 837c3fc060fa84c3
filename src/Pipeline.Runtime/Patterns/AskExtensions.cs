using Pipeline.Runtime.Actors;

namespace Pipeline.Runtime.Patterns;

/// <summary>
/// Request-response with actors: send a message with a temporary sender and await the first answer.
/// A <see cref="Status.Failure"/> answer throws its exception; no answer in time throws
/// <see cref="AskTimeoutException"/> naming the target and the timeout.
/// </summary>
public static class AskExtensions
{
    /// <summary>Asks and expects an answer of type <typeparamref name="T"/>.</summary>
    public static async Task<T> Ask<T>(this ICanTell target, object message, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        var answer = await target.Ask(message, timeout, cancellationToken).ConfigureAwait(false);
        if (answer is T typed) return typed;
        throw new InvalidCastException($"Ask to {Describe(target)} expected a {typeof(T).Name} but the answer was a {answer.GetType().Name}: {answer}");
    }

    /// <summary>Asks and returns the answer, whatever its type.</summary>
    public static async Task<object> Ask(this ICanTell target, object message, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(message);
        var system = SystemOf(target) ?? throw new ArgumentException($"Cannot ask {Describe(target)}: it belongs to no actor system.", nameof(target));
        var limit = timeout ?? system.Settings.DefaultAskTimeout;
        if (limit <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(timeout), limit, "An ask timeout must be positive.");
        var promise = new PromiseActorRef(system);
        target.Tell(message, promise);
        try
        {
            return await promise.Task.WaitAsync(limit, system.TimeProvider, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException) when (!promise.Task.IsCompleted)
        {
            var e = new AskTimeoutException($"Ask to {Describe(target)} timed out after {limit.TotalMilliseconds:0.###} ms waiting for an answer to {message.GetType().Name}.");
            promise.Fail(e);
            throw e;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            promise.Cancel();
            throw;
        }
    }

    private static ActorSystem? SystemOf(ICanTell target) => target switch
    {
        InternalActorRef r => r.OwnerSystem,
        ActorSelection s => s.Anchor.OwnerSystem,
        _ => null,
    };

    private static string Describe(ICanTell target) => target switch
    {
        IActorRef r => r.Path.ToString(),
        _ => target.ToString() ?? target.GetType().Name,
    };
}
