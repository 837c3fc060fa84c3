using System.Diagnostics.Metrics;

namespace Pipeline.Sharding.Metrics;

/// <summary>
/// Sharding's metrics through System.Diagnostics.Metrics (meter "Pipeline.Sharding", tagged with the actor
/// system): buffered and dropped messages, handoffs and forced handoffs. Totals are also kept as plain counters
/// so that tests and the admin endpoint can read them without a listener.
/// </summary>
public sealed class ShardingMetrics : IDisposable
{
    /// <summary>The meter name.</summary>
    public const string MeterName = "Pipeline.Sharding";

    private readonly Meter _meter;
    private readonly Counter<long> _buffered;
    private readonly Counter<long> _dropped;
    private readonly Counter<long> _handOffs;
    private readonly Counter<long> _forced;
    private long _bufferedTotal;
    private long _droppedTotal;
    private long _handOffsTotal;
    private long _forcedTotal;

    /// <summary>Creates the meter for one actor system.</summary>
    public ShardingMetrics(string systemName)
    {
        _meter = new Meter(new MeterOptions(MeterName) { Tags = [new KeyValuePair<string, object?>("actor_system", systemName)] });
        _buffered = _meter.CreateCounter<long>("pipeline.sharding.buffered", "{message}", "Messages buffered while a shard's home was unknown or in handoff.");
        _dropped = _meter.CreateCounter<long>("pipeline.sharding.buffer_dropped", "{message}", "Messages dead-lettered because a sharding buffer was full.");
        _handOffs = _meter.CreateCounter<long>("pipeline.sharding.handoffs", "{handoff}", "Shard handoffs completed.");
        _forced = _meter.CreateCounter<long>("pipeline.sharding.handoffs_forced", "{handoff}", "Handoffs or entity stops completed by force after a timeout.");
    }

    /// <summary>Messages buffered so far.</summary>
    public long BufferedTotal => Interlocked.Read(ref _bufferedTotal);

    /// <summary>Messages dropped from full buffers so far.</summary>
    public long DroppedTotal => Interlocked.Read(ref _droppedTotal);

    /// <summary>Handoffs completed so far.</summary>
    public long HandOffsTotal => Interlocked.Read(ref _handOffsTotal);

    /// <summary>Handoffs and shard stops completed by force so far.</summary>
    public long ForcedTotal => Interlocked.Read(ref _forcedTotal);

    internal void Buffered()
    {
        Interlocked.Increment(ref _bufferedTotal);
        if (_buffered.Enabled) _buffered.Add(1);
    }

    internal void Dropped()
    {
        Interlocked.Increment(ref _droppedTotal);
        if (_dropped.Enabled) _dropped.Add(1);
    }

    internal void HandOffCompleted()
    {
        Interlocked.Increment(ref _handOffsTotal);
        if (_handOffs.Enabled) _handOffs.Add(1);
    }

    internal void Forced()
    {
        Interlocked.Increment(ref _forcedTotal);
        if (_forced.Enabled) _forced.Add(1);
    }

    /// <inheritdoc />
    public void Dispose() => _meter.Dispose();
}
