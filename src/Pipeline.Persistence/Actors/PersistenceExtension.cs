using Microsoft.Extensions.Logging;
using Pipeline.Persistence.Journal;
using Pipeline.Persistence.Snapshots;
using Pipeline.Runtime.Actors;

namespace Pipeline.Persistence.Actors;

/// <summary>
/// Persistence for one actor system: the journal and snapshot store its persistent actors use, the writer id
/// stamped on their events, and the cap on concurrent recoveries (so that a node restarting thousands of
/// entities does not flood the database). Install it once with <c>PersistenceExtension.Install</c>.
/// </summary>
public sealed class PersistenceExtension
{
    private PersistenceExtension(ActorSystem system, IJournal journal, ISnapshotStore snapshotStore, PersistentActorSettings settings)
    {
        System = system;
        Journal = journal;
        SnapshotStore = snapshotStore;
        Settings = settings;
        RecoveryPermits = new SemaphoreSlim(settings.MaxConcurrentRecoveries, settings.MaxConcurrentRecoveries);
        Logger = system.LoggerFactory.CreateLogger("Pipeline.Persistence.PersistentActor");
    }

    /// <summary>The actor system.</summary>
    public ActorSystem System { get; }

    /// <summary>Where events go.</summary>
    public IJournal Journal { get; }

    /// <summary>Where snapshots go.</summary>
    public ISnapshotStore SnapshotStore { get; }

    /// <summary>Recovery and retry settings.</summary>
    public PersistentActorSettings Settings { get; }

    /// <summary>Identifies this process's writes in the journal (writer_id).</summary>
    public string WriterId { get; } = Guid.NewGuid().ToString("N");

    internal SemaphoreSlim RecoveryPermits { get; }

    internal ILogger Logger { get; }

    /// <summary>Installs persistence on a system; throws if it already has one.</summary>
    public static PersistenceExtension Install(ActorSystem system, IJournal journal, ISnapshotStore snapshotStore, PersistentActorSettings? settings = null)
    {
        ArgumentNullException.ThrowIfNull(system);
        ArgumentNullException.ThrowIfNull(journal);
        ArgumentNullException.ThrowIfNull(snapshotStore);
        var s = settings ?? new PersistentActorSettings();
        s.Validate();
        PersistenceExtension? created = null;
        var ext = system.GetOrAddExtension(sys => created = new PersistenceExtension(sys, journal, snapshotStore, s));
        if (created is null || !ReferenceEquals(ext, created))
            throw new InvalidOperationException($"Persistence is already installed on actor system '{system.Name}'.");
        return ext;
    }

    /// <summary>Installs persistence backed by a <see cref="PersistenceStore"/> (journal and snapshots behind circuit breakers).</summary>
    public static PersistenceExtension Install(ActorSystem system, PersistenceStore store, PersistentActorSettings? settings = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        return Install(system, store.Journal, store.SnapshotStore, settings);
    }

    /// <summary>The persistence of a system; throws a clear error when none was installed.</summary>
    public static PersistenceExtension Get(ActorSystem system)
        => system.GetExtension<PersistenceExtension>()
           ?? throw new InvalidOperationException($"Persistence is not installed on actor system '{system.Name}': call PersistenceExtension.Install(system, store) before starting persistent actors.");
}
