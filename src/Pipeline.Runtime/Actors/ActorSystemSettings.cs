using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Pipeline.Runtime.Serialization;
using Pipeline.Runtime.Supervision;

namespace Pipeline.Runtime.Actors;

/// <summary>
/// Everything an actor system is configured with. Defaults suit production on the thread pool; tests set
/// <see cref="TimeProvider"/> to a <see cref="Scheduling.ManualTimeProvider"/> and
/// <see cref="SerializeAllMessages"/> to true.
/// </summary>
public sealed record ActorSystemSettings
{
    /// <summary>The defaults.</summary>
    public static ActorSystemSettings Default { get; } = new();

    /// <summary>Where the kernel and actors log.</summary>
    public ILoggerFactory LoggerFactory { get; init; } = NullLoggerFactory.Instance;

    /// <summary>The clock of the scheduler, receive timeouts and asks.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Messages per actor turn on the default dispatcher (higher: faster; lower: fairer).</summary>
    public int DefaultDispatcherThroughput { get; init; } = 30;

    /// <summary>Messages per turn on the pinned dispatcher.</summary>
    public int PinnedDispatcherThroughput { get; init; } = 1000;

    /// <summary>How /user supervises top-level actors.</summary>
    public SupervisorStrategy DefaultSupervisorStrategy { get; init; } = SupervisorStrategy.Default;

    /// <summary>Serialize and deserialize every message sent locally (test mode that surfaces remoting/persistence bugs).</summary>
    public bool SerializeAllMessages { get; init; }

    /// <summary>Serializers and bindings.</summary>
    public SerializationSettings Serialization { get; init; } = SerializationSettings.Default;

    /// <summary>Timeout of an Ask that names none.</summary>
    public TimeSpan DefaultAskTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Dead letters logged one by one per <see cref="DeadLetterLogInterval"/> (0: none).</summary>
    public int DeadLetterLogLimit { get; init; } = 10;

    /// <summary>The window of <see cref="DeadLetterLogLimit"/>.</summary>
    public TimeSpan DeadLetterLogInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Default timeout of each coordinated-shutdown phase.</summary>
    public TimeSpan ShutdownPhaseTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Network host of this system when it takes part in a cluster (null: local only).</summary>
    public string? Host { get; init; }

    /// <summary>Network port of this system when it takes part in a cluster.</summary>
    public int? Port { get; init; }

    /// <summary>Checks the settings; throws naming the setting and the fix.</summary>
    public void Validate()
    {
        if (DefaultDispatcherThroughput < 1) throw new ArgumentException($"{nameof(DefaultDispatcherThroughput)} must be at least 1 (was {DefaultDispatcherThroughput}).");
        if (PinnedDispatcherThroughput < 1) throw new ArgumentException($"{nameof(PinnedDispatcherThroughput)} must be at least 1 (was {PinnedDispatcherThroughput}).");
        if (DefaultAskTimeout <= TimeSpan.Zero) throw new ArgumentException($"{nameof(DefaultAskTimeout)} must be positive (was {DefaultAskTimeout}).");
        if (ShutdownPhaseTimeout <= TimeSpan.Zero) throw new ArgumentException($"{nameof(ShutdownPhaseTimeout)} must be positive (was {ShutdownPhaseTimeout}).");
        if ((Host is null) != (Port is null)) throw new ArgumentException($"Set both {nameof(Host)} and {nameof(Port)} (or neither, for a local-only system).");
    }
}
