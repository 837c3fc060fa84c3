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

    private sealed class CountingDrainer : IOutboundDrainer
    {
        public int Scheduled;

        public void ScheduleDrain() => Scheduled++;
    }

    private static void DrainAll(OutboundQueue queue)
    {
        queue.DrainSystem(new SystemFrame[16]);
        if (queue.TakeUsers() is { } taken)
        {
            while (taken.Count > 0) taken.RemoveOldest();
            queue.ReturnUsers(taken);
        }
    }

    [Fact]
    public void The_first_message_while_nobody_drains_starts_one_drain_and_later_ones_start_none()
    {
        var queue = new OutboundQueue("peer", capacity: 16, OverflowPolicy.DropNewest, systemCapacity: 4);
        var drainer = new CountingDrainer();
        queue.Attach(drainer);
        Assert.Equal(0, drainer.Scheduled);

        queue.Enqueue(Message(1));
        queue.Enqueue(Message(2));
        queue.EnqueueSystem(new SystemFrame { Disconnect = new Disconnect { Reason = "x" } });
        Assert.Equal(1, drainer.Scheduled);

        DrainAll(queue);
        Assert.False(queue.ContinueDraining(drainer)); // empty: the drain stops and the queue is idle
        queue.Enqueue(Message(3));
        Assert.Equal(2, drainer.Scheduled);
        Assert.True(queue.ContinueDraining(drainer)); // work is queued: the running drain goes on
    }

    [Fact]
    public void Attaching_a_drainer_to_a_queue_with_work_starts_a_drain()
    {
        var queue = new OutboundQueue("peer", capacity: 16, OverflowPolicy.DropNewest, systemCapacity: 4);
        queue.Enqueue(Message(1));
        var drainer = new CountingDrainer();
        queue.Attach(drainer);
        Assert.Equal(1, drainer.Scheduled);
        Assert.Throws<InvalidOperationException>(() => queue.Attach(new CountingDrainer()));
    }

    [Fact]
    public void A_reserved_drain_starts_nothing_until_it_is_claimed_and_a_revoked_one_starts_a_drain_for_what_came_meanwhile()
    {
        var queue = new OutboundQueue("peer", capacity: 16, OverflowPolicy.DropNewest, systemCapacity: 4);
        var drainer = new CountingDrainer();
        queue.Attach(drainer);

        Assert.True(queue.TryReserve(drainer));
        queue.Enqueue(Message(1));
        Assert.Equal(0, drainer.Scheduled);
        Assert.True(queue.TryClaimReservation(drainer));
        Assert.False(queue.TryReserve(drainer)); // a drain runs (the claimer's)
        DrainAll(queue);
        Assert.False(queue.ContinueDraining(drainer));

        Assert.True(queue.TryReserve(drainer));
        queue.Enqueue(Message(2));
        Assert.True(queue.RevokeReservation(drainer));
        Assert.Equal(1, drainer.Scheduled);
        Assert.False(queue.TryClaimReservation(drainer)); // the stuck reader comes back: no drain of its own
    }

    [Fact]
    public void A_reader_that_finds_a_drain_running_asks_it_to_stop_once_the_queue_is_empty_and_then_reserves_the_next()
    {
        var queue = new OutboundQueue("peer", capacity: 16, OverflowPolicy.DropNewest, systemCapacity: 4);
        var drainer = new CountingDrainer();
        queue.Attach(drainer);
        queue.Enqueue(Message(1)); // a drain starts on the pool
        Assert.False(queue.ReaderWaitingHint);

        // a read: its reservation fails while the pool's drain runs, which leaves the note for that drain
        Assert.False(queue.TryReserve(drainer));
        Assert.True(queue.ReaderWaitingHint);
        queue.Enqueue(Message(2));
        Assert.True(queue.ContinueDraining(drainer)); // work still waits: the drain goes on
        Assert.True(queue.ReaderWaitingHint);
        Assert.Equal([1, 2], DrainIds(queue));
        Assert.False(queue.ContinueDraining(drainer)); // empty: it stops, and the note is gone with it
        Assert.False(queue.ReaderWaitingHint);

        // the next read reserves, and its turns' messages start nothing on the pool
        Assert.True(queue.TryReserve(drainer));
        queue.Enqueue(Message(3));
        Assert.Equal(1, drainer.Scheduled);
        Assert.True(queue.TryClaimReservation(drainer));
        Assert.Equal([3], DrainIds(queue));
        Assert.False(queue.ContinueDraining(drainer));
    }

    [Fact]
    public async Task Detaching_during_a_drain_completes_when_the_drain_checks_in_and_leaves_the_rest_for_the_next_drainer()
    {
        var queue = new OutboundQueue("peer", capacity: 16, OverflowPolicy.DropNewest, systemCapacity: 4);
        var first = new CountingDrainer();
        queue.Attach(first);
        queue.Enqueue(Message(1));
        Assert.Equal(1, first.Scheduled);

        var detached = queue.DetachAsync(first);
        Assert.False(detached.IsCompleted);
        Assert.False(queue.ContinueDraining(first)); // told to stop although work is queued
        await detached.WaitAsync(TimeSpan.FromSeconds(10));

        var second = new CountingDrainer();
        queue.Attach(second);
        Assert.Equal(1, second.Scheduled);
        Assert.Equal([1], DrainIds(queue));
        Assert.True(queue.DetachAsync(first).IsCompleted); // no longer its queue
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
