using Pipeline.Persistence.Actors;
using Pipeline.Runtime.Actors;
using static Pipeline.Sharding.RememberEntities.RememberEntitiesProtocol;

namespace Pipeline.Sharding.RememberEntities;

/// <summary>
/// The persistent set of entities running in one shard (persistence id <c>sharding-{typeName}-{shardId}-entities</c>),
/// a child of the shard wherever the shard lives, so that after a rebalance or a crash the new owner starts the
/// same entities. Answers <c>EntityAdded</c> only once the start is stored.
/// </summary>
internal sealed class RememberEntitiesStore : ReceivePersistentActor
{
    private readonly string _persistenceId;
    private readonly int _snapshotAfter;
    private readonly HashSet<string> _entities = new(StringComparer.Ordinal);
    private int _sinceSnapshot;

    private RememberEntitiesStore(string typeName, string shardId, int snapshotAfter)
    {
        _persistenceId = PersistenceIdFor(typeName, shardId);
        _snapshotAfter = snapshotAfter;
        Recover<RememberEntitiesEvents.EntityStarted>(e => _entities.Add(e.EntityId));
        Recover<RememberEntitiesEvents.EntityStopped>(e => _entities.Remove(e.EntityId));
        Recover<SnapshotOffer>(o =>
        {
            if (o.Snapshot is not RememberEntitiesEvents.Snapshot s) return;
            _entities.Clear();
            _entities.UnionWith(s.EntityIds);
        });
        Command<GetEntities>(_ => Reply(new RememberedEntities(_entities.Order(StringComparer.Ordinal).ToList())));
        Command<AddEntity>(a =>
        {
            if (_entities.Contains(a.EntityId))
            {
                Reply(new EntityAdded(a.EntityId));
                return;
            }
            Persist(new RememberEntitiesEvents.EntityStarted(a.EntityId), e =>
            {
                _entities.Add(e.EntityId);
                Reply(new EntityAdded(e.EntityId));
                MaybeSnapshot();
            });
        });
        Command<RemoveEntity>(r =>
        {
            if (!_entities.Contains(r.EntityId)) return;
            Persist(new RememberEntitiesEvents.EntityStopped(r.EntityId), e =>
            {
                _entities.Remove(e.EntityId);
                MaybeSnapshot();
            });
        });
        Command<StopStore>(_ => Defer(0, _ => Context.Stop(Self)));
        Command<SaveSnapshotSuccess>(_ => { });
        Command<SaveSnapshotFailure>(_ => { });
    }

    public static Props Props(string typeName, string shardId, int snapshotAfter)
        => Runtime.Actors.Props.Create(() => new RememberEntitiesStore(typeName, shardId, snapshotAfter));

    public static string PersistenceIdFor(string typeName, string shardId) => $"sharding-{typeName}-{shardId}-entities";

    public override string PersistenceId => _persistenceId;

    private void MaybeSnapshot()
    {
        if (++_sinceSnapshot < _snapshotAfter) return;
        _sinceSnapshot = 0;
        SaveSnapshot(new RememberEntitiesEvents.Snapshot(_entities.Order(StringComparer.Ordinal).ToList()));
    }
}
