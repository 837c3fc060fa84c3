using System.Diagnostics.Metrics;
using Pipeline.Cluster.Addressing;
using Pipeline.Cluster.Tests.Support;
using Pipeline.Cluster.Transport;
using Pipeline.Cluster.Wire;
using Pipeline.Cluster.Wire.Protocol;

namespace Pipeline.Cluster.Tests.Transport;

public sealed class OutboundQueueTests
{
    private static OutboundMessage Message(int i) => new("/user/x", null, i, "", ReadOnlyMemory<byte>.Empty);

    private static int[] DrainIds(OutboundQueue queue)
    {
        var users = new OutboundMessage[100];
        var (_, count) = queue.Drain(new SystemFrame[4], users);
        return users.Take(count).Select(m => m.SerializerId).ToArray();
    }

    [Fact]
    public void Drop_newest_keeps_the_oldest_messages_and_counts_the_drops()
    {
        var queue = new OutboundQueue("peer", capacity: 3, OverflowPolicy.DropNewest, systemCapacity: 2);
        var results = Enumerable.Range(1, 5).Select(i => queue.Enqueue(Message(i))).ToArray();
        Assert.Equal([EnqueueResult.Enqueued, EnqueueResult.Enqueued, EnqueueResult.Enqueued, EnqueueResult.DroppedNewest, EnqueueResult.DroppedNewest], results);
        Assert.Equal(3, queue.Depth);
        Assert.Equal(2, queue.Dropped);
        Assert.Equal([1, 2, 3], DrainIds(queue));
        Assert.Equal(0, queue.Depth);
    }

    [Fact]
    public void Drop_oldest_keeps_the_newest_messages_and_counts_the_drops()
    {
        var queue = new OutboundQueue("peer", capacity: 3, OverflowPolicy.DropOldest, systemCapacity: 2);
        var results = Enumerable.Range(1, 5).Select(i => queue.Enqueue(Message(i))).ToArray();
        Assert.Equal(EnqueueResult.DroppedOldest, results[4]);
        Assert.Equal(2, queue.Dropped);
        Assert.Equal([3, 4, 5], DrainIds(queue));
    }

    [Fact]
    public void Fail_refuses_the_send_with_an_exception_naming_the_peer()
    {
        var queue = new OutboundQueue("pipeline://s@h:1", capacity: 2, OverflowPolicy.Fail, systemCapacity: 2);
        queue.Enqueue(Message(1));
        queue.Enqueue(Message(2));
        var error = Assert.Throws<OutboundQueueFullException>(() => queue.Enqueue(Message(3)));
        Assert.Contains("pipeline://s@h:1", error.Message);
        Assert.Equal(1, queue.Rejected);
        Assert.Equal([1, 2], DrainIds(queue));
    }

    [Fact]
    public void System_frames_have_their_own_bound_and_drain_first()
    {
        var queue = new OutboundQueue("peer", capacity: 1, OverflowPolicy.DropNewest, systemCapacity: 1);
        queue.Enqueue(Message(1));
        Assert.True(queue.EnqueueSystem(new SystemFrame { Heartbeat = new Heartbeat { Sequence = 1 } }));
        Assert.False(queue.EnqueueSystem(new SystemFrame { Heartbeat = new Heartbeat { Sequence = 2 } }));
        Assert.Equal(1, queue.SystemDropped);
        var systems = new SystemFrame[4];
        var (s, u) = queue.Drain(systems, new OutboundMessage[4]);
        Assert.Equal((1, 1), (s, u));
        Assert.Equal(1, systems[0].Heartbeat.Sequence);
    }

    [Fact]
    public async Task A_waiting_writer_wakes_on_the_next_message()
    {
        var queue = new OutboundQueue("peer", capacity: 4, OverflowPolicy.DropNewest, systemCapacity: 2);
        var wait = queue.WaitAsync(CancellationToken.None);
        Assert.False(wait.IsCompleted);
        queue.Enqueue(Message(1));
        await wait.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task An_unreachable_peer_fills_a_bounded_queue_and_the_metrics_report_depth_and_drops()
    {
        await using var a = await TestTransports.StartAsync(new RecordingHandler(), TestTransports.Settings() with { OutboundQueueCapacity = 10 });
        var nowhere = new NodeAddress(TestTransports.System, "127.0.0.1", 1); // nothing listens on port 1
        for (var i = 0; i < 25; i++) a.Send(nowhere, Message(i));

        var queue = a.QueueOf(nowhere)!;
        Assert.Equal(10, queue.Depth);
        Assert.Equal(15, queue.Dropped);

        var measured = new Dictionary<string, long>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "Pipeline.Cluster.Transport") l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            foreach (var tag in tags)
                if (tag.Key == "peer" && (string?)tag.Value == nowhere.ToString()) measured[instrument.Name] = value;
        });
        listener.Start();
        listener.RecordObservableInstruments();
        Assert.Equal(10, measured["pipeline.cluster.outbound.queue_depth"]);
        Assert.Equal(15, measured["pipeline.cluster.outbound.dropped"]);
    }
}
