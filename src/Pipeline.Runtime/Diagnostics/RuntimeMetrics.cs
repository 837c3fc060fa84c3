using System.Diagnostics.Metrics;

namespace Pipeline.Runtime.Diagnostics;

/// <summary>
/// The kernel's metrics through System.Diagnostics.Metrics (meter "Pipeline.Runtime", tagged with the system
/// name), so that OpenTelemetry or dotnet-counters can read them without the kernel knowing about either.
/// Every instrument checks whether anyone listens before it records: the hot path pays one branch.
/// </summary>
public sealed class RuntimeMetrics : IDisposable
{
    /// <summary>The meter name.</summary>
    public const string MeterName = "Pipeline.Runtime";

    private readonly Meter _meter;
    private readonly Counter<long> _processed;
    private readonly Counter<long> _deadLetters;
    private readonly Counter<long> _restarts;
    private readonly Counter<long> _failures;
    private readonly Counter<long> _unhandled;
    private readonly Counter<long> _dropped;
    private readonly UpDownCounter<long> _actors;
    private readonly Histogram<int> _depth;
    private long _liveActors;

    /// <summary>Creates the meter for one actor system.</summary>
    public RuntimeMetrics(string systemName)
    {
        _meter = new Meter(new MeterOptions(MeterName) { Tags = [new KeyValuePair<string, object?>("actor_system", systemName)] });
        _processed = _meter.CreateCounter<long>("pipeline.actor.messages_processed", "{message}", "User messages processed by actors.");
        _deadLetters = _meter.CreateCounter<long>("pipeline.actor.dead_letters", "{message}", "Messages that could not be delivered.");
        _restarts = _meter.CreateCounter<long>("pipeline.actor.restarts", "{restart}", "Actor restarts by supervisors.");
        _failures = _meter.CreateCounter<long>("pipeline.actor.failures", "{failure}", "Exceptions thrown by actors.");
        _unhandled = _meter.CreateCounter<long>("pipeline.actor.unhandled", "{message}", "Messages no behaviour handled.");
        _dropped = _meter.CreateCounter<long>("pipeline.mailbox.dropped", "{message}", "Messages dropped or refused by full bounded mailboxes.");
        _actors = _meter.CreateUpDownCounter<long>("pipeline.actor.count", "{actor}", "Live actors.");
        _depth = _meter.CreateHistogram<int>("pipeline.mailbox.depth", "{message}", "Messages left in a mailbox at the end of an actor's turn.");
    }

    /// <summary>Live actors (always counted, also without listeners).</summary>
    public long LiveActors => Interlocked.Read(ref _liveActors);

    internal void MessagesProcessed(int count)
    {
        if (_processed.Enabled) _processed.Add(count);
    }

    internal bool MailboxDepthEnabled => _depth.Enabled;

    internal void MailboxDepth(int depth) => _depth.Record(depth);

    internal void DeadLetter()
    {
        if (_deadLetters.Enabled) _deadLetters.Add(1);
    }

    internal void ActorRestarted(int count)
    {
        if (_restarts.Enabled) _restarts.Add(count);
    }

    internal void ActorFailed()
    {
        if (_failures.Enabled) _failures.Add(1);
    }

    internal void Unhandled()
    {
        if (_unhandled.Enabled) _unhandled.Add(1);
    }

    internal void MailboxDropped()
    {
        if (_dropped.Enabled) _dropped.Add(1);
    }

    internal void ActorStarted()
    {
        Interlocked.Increment(ref _liveActors);
        if (_actors.Enabled) _actors.Add(1);
    }

    internal void ActorStopped()
    {
        Interlocked.Decrement(ref _liveActors);
        if (_actors.Enabled) _actors.Add(-1);
    }

    /// <inheritdoc />
    public void Dispose() => _meter.Dispose();
}
