using System.Threading.Channels;
using Pipeline.Streams.Dsl;

namespace Pipeline.Streams.Quarantine;

/// <summary>
/// A quarantine backed by a channel: read it as a stream (<see cref="AsSource"/>) to store or report bad records.
/// Bounded (the connectors then wait, which backpressures them) or unbounded; counts per reason prefix are kept.
/// </summary>
public sealed class ChannelQuarantine : IQuarantine
{
    private readonly Channel<QuarantinedRecord> _channel;
    private long _count;

    /// <summary>Creates a quarantine; <paramref name="capacity"/> null means unbounded.</summary>
    public ChannelQuarantine(int? capacity = null)
    {
        _channel = capacity is { } c
            ? Channel.CreateBounded<QuarantinedRecord>(new BoundedChannelOptions(c) { FullMode = BoundedChannelFullMode.Wait })
            : Channel.CreateUnbounded<QuarantinedRecord>();
    }

    /// <inheritdoc />
    public long Count => Interlocked.Read(ref _count);

    /// <summary>The quarantined records, to read directly.</summary>
    public ChannelReader<QuarantinedRecord> Reader => _channel.Reader;

    /// <inheritdoc />
    public async ValueTask QuarantineAsync(QuarantinedRecord record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        await _channel.Writer.WriteAsync(record, cancellationToken).ConfigureAwait(false);
        Interlocked.Increment(ref _count);
    }

    /// <summary>The quarantined records as a stream (completes when <see cref="Complete"/> is called).</summary>
    public Source<QuarantinedRecord, NotUsed> AsSource() => Source.FromChannel(_channel.Reader);

    /// <summary>Marks the end: no more records will come.</summary>
    public void Complete() => _channel.Writer.TryComplete();

    /// <summary>The records quarantined so far and not read yet (drains them).</summary>
    public IReadOnlyList<QuarantinedRecord> Drain()
    {
        var list = new List<QuarantinedRecord>();
        while (_channel.Reader.TryRead(out var r)) list.Add(r);
        return list;
    }
}
