using Pipeline.Persistence.Actors;
using Pipeline.Runtime.Actors;

namespace Pipeline.Sharding.Tests.Support;

/// <summary>Counter event.</summary>
public sealed record Added(int Amount);

/// <summary>A persistent entity: its total survives rebalances and crashes; records activations.</summary>
public sealed class PersistentCounter : ReceivePersistentActor
{
    private readonly string _id;
    private readonly ActivationLog _log;
    private long _startedAt;
    private int _total;

    public PersistentCounter(string id, ActivationLog log)
    {
        _id = id;
        _log = log;
        Recover<Added>(a => _total += a.Amount);
        Command<Add>(a => Persist(new Added(a.Amount), e =>
        {
            _total += e.Amount;
            Reply(new Identity(_id, Self.Path.ToString(), _total));
        }));
        Command<WhoAreYou>(_ => Reply(new Identity(_id, Self.Path.ToString(), _total)));
    }

    public static Func<string, Props> Factory(ActivationLog log) => id => Props.Create(() => new PersistentCounter(id, log));

    public override string PersistenceId => "counter-" + _id;

    protected override void PreStart() => _startedAt = _log.Started(_id, Self.Path.ToString());

    protected override void PostStop() => _log.Stopped(_id, _startedAt);
}
