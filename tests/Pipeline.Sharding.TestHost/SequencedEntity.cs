using Pipeline.Persistence.Actors;
using Pipeline.Runtime.Actors;

namespace Pipeline.Sharding.TestHost;

/// <summary>
/// The end-to-end exactly-once, in-order receiver: it persists the last sequence number it processed, processes
/// only last + 1, acknowledges duplicates without processing them again, and drops gaps unacknowledged (the client
/// resends). It records its activations (start/stop) in the node's activation file.
/// </summary>
public sealed class SequencedEntity : ReceivePersistentActor
{
    private readonly string _typeName;
    private readonly string _id;
    private readonly ActivationRecorder _recorder;
    private long _last;
    private long _startedAt;

    public SequencedEntity(string typeName, string id, ActivationRecorder recorder)
    {
        _typeName = typeName;
        _id = id;
        _recorder = recorder;
        Recover<Processed>(p => _last = p.Seq);
        Command<SeqMessage>(OnMessage);
        Command<StopEntity>(_ => Defer(0, _ => Context.Stop(Self)));
    }

    public static string PersistenceIdOf(string typeName, string entityId) => typeName + "-" + entityId;

    public override string PersistenceId => PersistenceIdOf(_typeName, _id);

    private void OnMessage(SeqMessage m)
    {
        if (m.Seq <= _last)
        {
            Reply(new SeqAck(_id, _last));
            return;
        }
        if (m.Seq != _last + 1) return; // a gap: an earlier message was lost; the client resends from last + 1
        Persist(new Processed(m.Seq), e =>
        {
            _last = e.Seq;
            Reply(new SeqAck(_id, _last));
        });
    }

    protected override void PreStart() => _startedAt = _recorder.Started(_id);

    protected override void PostStop() => _recorder.Stopped(_id, _startedAt);
}
