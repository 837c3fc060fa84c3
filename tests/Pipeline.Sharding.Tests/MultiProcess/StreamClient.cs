using Pipeline.Runtime.Actors;
using Pipeline.Runtime.Scheduling;
using Pipeline.Sharding.TestHost;

namespace Pipeline.Sharding.Tests.MultiProcess;

/// <summary>
/// The client end of the end-to-end protocol: numbered streams to <c>entities</c> entities (e0, e1 ...) through a
/// shard region, at about <c>ratePerSecond</c> new messages per second in total, at most <c>window</c>
/// unacknowledged per entity; an entity whose acknowledgements stall for <c>resendAfter</c> gets everything
/// unacknowledged again (the transport is at most once; the entity drops duplicates and gaps).
/// </summary>
internal sealed class StreamClient : ActorBase
{
    public sealed record SetGenerating(bool On) : INoSerializationVerificationNeeded;

    public sealed record GetProgress : INoSerializationVerificationNeeded;

    public sealed record Progress(long[] Sent, long[] Acked, long Resent) : INoSerializationVerificationNeeded
    {
        public bool AllAcked => Sent.AsSpan().SequenceEqual(Acked);

        public long TotalAcked => Acked.Sum();
    }

    private sealed record Tick : INoSerializationVerificationNeeded;

    private static readonly TimeSpan TickInterval = TimeSpan.FromMilliseconds(50);

    private readonly IActorRef _region;
    private readonly int _window;
    private readonly double _rate;
    private readonly TimeSpan _resendAfter;
    private readonly long[] _sent;
    private readonly long[] _acked;
    private readonly long[] _progressAt;
    private readonly string[] _ids;
    private ICancelable? _timer;
    private bool _generating = true;
    private double _budget;
    private long _lastTick;
    private int _cursor;
    private long _resent;

    private StreamClient(IActorRef region, int entities, double ratePerSecond, int window, TimeSpan resendAfter)
    {
        _region = region;
        _window = window;
        _rate = ratePerSecond;
        _resendAfter = resendAfter;
        _sent = new long[entities];
        _acked = new long[entities];
        _progressAt = new long[entities];
        _ids = Enumerable.Range(0, entities).Select(i => "e" + i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
    }

    public static Props Props(IActorRef region, int entities, double ratePerSecond, int window, TimeSpan resendAfter)
        => Runtime.Actors.Props.Create(() => new StreamClient(region, entities, ratePerSecond, window, resendAfter));

    protected override void PreStart()
    {
        _lastTick = Context.System.TimeProvider.GetTimestamp();
        _timer = Context.System.Scheduler.ScheduleTellRepeatedly(TimeSpan.Zero, TickInterval, Self, new Tick(), Self);
    }

    protected override void PostStop() => _timer?.Cancel();

    protected override bool Receive(object message)
    {
        switch (message)
        {
            case SeqAck a:
                var i = int.Parse(a.EntityId.AsSpan(1), System.Globalization.CultureInfo.InvariantCulture);
                if (a.Seq > _acked[i])
                {
                    if (a.Seq > _sent[i]) throw new InvalidOperationException($"entity {a.EntityId} acknowledged {a.Seq}, but only {_sent[i]} were sent");
                    _acked[i] = a.Seq;
                    _progressAt[i] = Context.System.TimeProvider.GetTimestamp();
                }
                return true;
            case Tick:
                OnTick();
                return true;
            case SetGenerating g:
                _generating = g.On;
                _budget = 0;
                Sender.Tell(g, Self);
                return true;
            case GetProgress:
                Sender.Tell(new Progress(_sent.ToArray(), _acked.ToArray(), _resent), Self);
                return true;
            default:
                return false;
        }
    }

    private void OnTick()
    {
        var tp = Context.System.TimeProvider;
        var now = tp.GetTimestamp();
        if (_generating)
        {
            _budget = Math.Min(_budget + _rate * tp.GetElapsedTime(_lastTick, now).TotalSeconds, _rate); // at most a second's worth at once
            for (var checkedEntities = 0; _budget >= 1 && checkedEntities < _sent.Length; checkedEntities++)
            {
                var i = _cursor;
                _cursor = (_cursor + 1) % _sent.Length;
                if (_sent[i] - _acked[i] >= _window) continue;
                if (_sent[i] == _acked[i]) _progressAt[i] = now;
                _region.Tell(new SeqMessage(_ids[i], ++_sent[i]), Self);
                _budget--;
            }
        }
        _lastTick = now;
        for (var i = 0; i < _sent.Length; i++)
        {
            if (_acked[i] >= _sent[i] || tp.GetElapsedTime(_progressAt[i], now) < _resendAfter) continue;
            for (var seq = _acked[i] + 1; seq <= _sent[i]; seq++)
            {
                _region.Tell(new SeqMessage(_ids[i], seq), Self);
                _resent++;
            }
            _progressAt[i] = now;
        }
    }
}
