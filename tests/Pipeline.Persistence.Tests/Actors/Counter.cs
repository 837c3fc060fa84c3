using Pipeline.Persistence.Actors;
using Pipeline.Runtime.Actors;

namespace Pipeline.Persistence.Tests.Actors;

public sealed record Add(int Amount);
public sealed record AddAsync(int Amount);
public sealed record AddMany(int[] Amounts);
public sealed record AddTagged(int Amount, string Tag);
public sealed record Added(int Amount);
public sealed record GetState;
public sealed record State(int Total, long LastSequenceNr, int RecoveredEvents, bool FromSnapshot, string[] Log);
public sealed record TakeSnapshot;
public sealed record DeleteUpTo(long SequenceNr);
public sealed record DeferMark(string Mark);

/// <summary>A persistent counter that reports what it does to a probe.</summary>
public sealed class Counter(string persistenceId, IActorRef probe) : ReceivePersistentActor
{
    private int _total;
    private int _recovered;
    private bool _fromSnapshot;
    private readonly List<string> _log = new();

    public override string PersistenceId => persistenceId;

    protected override void PreStart()
    {
        Recover<SnapshotOffer>(o =>
        {
            _total = (int)Convert.ToInt64(o.Snapshot, System.Globalization.CultureInfo.InvariantCulture);
            _fromSnapshot = true;
        });
        Recover<Added>(a =>
        {
            _total += a.Amount;
            _recovered++;
        });
        Recover<RecoveryCompleted>(_ => probe.Tell("recovered", Self));
        Command<Add>(c => Persist(new Added(c.Amount), e =>
        {
            _total += e.Amount;
            _log.Add($"persisted {e.Amount}@{LastSequenceNr}");
            Reply(new State(_total, LastSequenceNr, _recovered, _fromSnapshot, [.. _log]));
        }));
        Command<AddAsync>(c => PersistAsync(new Added(c.Amount), e =>
        {
            _total += e.Amount;
            _log.Add($"async {e.Amount}");
        }));
        Command<AddMany>(c => PersistAll(c.Amounts.Select(a => new Added(a)), e =>
        {
            _total += e.Amount;
            _log.Add($"many {e.Amount}@{LastSequenceNr}");
        }));
        Command<AddTagged>(c => Persist(new Added(c.Amount), e => _total += e.Amount, tags: [c.Tag]));
        Command<DeferMark>(m => Defer(m, d => _log.Add("defer " + d.Mark)));
        Command<GetState>(_ => Reply(new State(_total, LastSequenceNr, _recovered, _fromSnapshot, [.. _log])));
        Command<TakeSnapshot>(_ => SaveSnapshot(_total));
        Command<SaveSnapshotSuccess>(s => probe.Tell($"snapshot@{s.Metadata.SequenceNr}", Self));
        Command<DeleteUpTo>(d => DeleteMessages(d.SequenceNr));
        Command<DeleteMessagesSuccess>(d => probe.Tell($"deleted to {d.ToSequenceNr}", Self));
    }

    protected override void OnPersistRejected(Exception cause, object @event, long sequenceNr)
    {
        base.OnPersistRejected(cause, @event, sequenceNr);
        probe.Tell($"rejected {sequenceNr}", Self);
    }

    protected override void OnRecoveryFailure(Exception cause)
    {
        base.OnRecoveryFailure(cause);
        probe.Tell("recovery failed: " + cause.Message, Self);
    }
}
