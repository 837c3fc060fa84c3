using System.Text;
using Pipeline.Cluster.Addressing;
using Pipeline.Cluster.Tests.Support;
using Pipeline.Cluster.Transport;
using Pipeline.Cluster.Wire;
using Pipeline.Cluster.Wire.Protocol;

namespace Pipeline.Cluster.Tests.Transport;

public sealed class TransportTests
{
    [Fact]
    public async Task Messages_flow_both_ways_in_order_over_one_connection()
    {
        var handlerA = new RecordingHandler();
        var handlerB = new RecordingHandler();
        await using var a = await TestTransports.StartAsync(handlerA);
        await using var b = await TestTransports.StartAsync(handlerB);

        const int count = 5000;
        for (var i = 0; i < count; i++)
        {
            a.Send(b.LocalAddress.Address, new OutboundMessage("/user/b", "/user/a", 1, "int", BitConverter.GetBytes(i)));
            b.Send(a.LocalAddress.Address, new OutboundMessage("/user/a", null, 2, "int", BitConverter.GetBytes(-i)));
        }

        await Eventually.True(() => handlerA.Count == count && handlerB.Count == count, "all messages delivered");
        Assert.Equal(Enumerable.Range(0, count), handlerB.Envelopes.Select(e => BitConverter.ToInt32(e.Payload)));
        Assert.Equal(Enumerable.Range(0, count).Select(i => -i), handlerA.Envelopes.Select(e => BitConverter.ToInt32(e.Payload)));
        Assert.All(handlerB.Envelopes, e => Assert.Equal((a.LocalAddress, "/user/b", "/user/a", 1, "int"), (e.From, e.Target, e.Sender, e.SerializerId, e.Manifest)));
        await Eventually.True(() => a.ConnectionCount == 1 && b.ConnectionCount == 1, "one connection per node pair");
        Assert.Equal(b.LocalAddress, Assert.Single(a.Associated));
    }

    [Theory]
    [InlineData(true, true)]
    [InlineData(false, false)]
    [InlineData(true, false)]
    public async Task Bursts_larger_than_the_socket_buffers_arrive_whole_and_in_order_with_either_socket_io(bool directA, bool directB)
    {
        // 16 MiB each way at once: both send buffers fill, so writes must wait for room without stalling the readers
        var handlerA = new RecordingHandler();
        // B does not read until A's socket is full, so that A's writes have to wait for room
        using var gate = new ManualResetEventSlim();
        var handlerB = new RecordingHandler { Gate = gate };
        await using var a = await TestTransports.StartAsync(handlerA, TestTransports.Settings() with { DirectSocketIo = directA });
        await using var b = await TestTransports.StartAsync(handlerB, TestTransports.Settings() with { DirectSocketIo = directB });
        const int count = 2_000, size = 8 * 1024;
        static byte[] Payload(int i, int sign)
        {
            var bytes = new byte[size];
            bytes.AsSpan().Fill((byte)(i * sign));
            BitConverter.TryWriteBytes(bytes, i);
            return bytes;
        }
        for (var i = 0; i < count; i++)
        {
            a.Send(b.LocalAddress.Address, new OutboundMessage("/user/b", null, 1, "", Payload(i, 1)));
            b.Send(a.LocalAddress.Address, new OutboundMessage("/user/a", null, 1, "", Payload(i, -1)));
        }
        if (directA) await Eventually.True(() => a.DeferredWrites() > 0, "one of A's writes waits for room in the socket");
        else await Task.Delay(200);
        gate.Set();

        await Eventually.True(() => handlerA.Count == count && handlerB.Count == count, "every message delivered", TimeSpan.FromSeconds(60));
        Assert.Equal(Enumerable.Range(0, count), handlerB.Envelopes.Select(e => BitConverter.ToInt32(e.Payload)));
        Assert.Equal(Enumerable.Range(0, count), handlerA.Envelopes.Select(e => BitConverter.ToInt32(e.Payload)));
        Assert.All(handlerB.Envelopes, e => Assert.Equal(Payload(BitConverter.ToInt32(e.Payload), 1), e.Payload));
        Assert.All(handlerA.Envelopes, e => Assert.Equal(Payload(BitConverter.ToInt32(e.Payload), -1), e.Payload));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_node_whose_writes_wait_on_a_peer_that_stopped_reading_still_shuts_down(bool direct)
    {
        using var gate = new ManualResetEventSlim();
        await using var b = await TestTransports.StartAsync(new RecordingHandler { Gate = gate, Keep = false }, TestTransports.Settings() with { DirectSocketIo = direct });
        var a = await TestTransports.StartAsync(new RecordingHandler(), TestTransports.Settings() with { DirectSocketIo = direct, ShutdownFlushTimeout = TimeSpan.FromMilliseconds(500) });
        try
        {
            for (var i = 0; i < 2_000; i++) a.Send(b.LocalAddress.Address, new OutboundMessage("/user/b", null, 1, "", new byte[8 * 1024]));
            if (direct) await Eventually.True(() => a.DeferredWrites() > 0, "a write waits for room in the socket");
            else await Task.Delay(200);
        }
        finally
        {
            // B's reader is held by its first delivery, so A's socket stays full: closing must not wait for it
            await a.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30));
            gate.Set();
        }
    }

    [Fact]
    public async Task Connections_that_never_handshake_cannot_hold_more_than_the_pending_handshake_limit()
    {
        var settings = TestTransports.Settings() with { MaxPendingHandshakes = 3, HandshakeTimeout = TimeSpan.FromSeconds(30) };
        var handlerB = new RecordingHandler();
        await using var b = await TestTransports.StartAsync(handlerB, settings);
        // ten connections that say nothing: three wait in their handshake, the other seven are closed at once
        var idle = new List<System.Net.Sockets.Socket>();
        try
        {
            for (var i = 0; i < 10; i++)
            {
                var socket = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
                await socket.ConnectAsync("127.0.0.1", b.LocalAddress.Address.Port);
                idle.Add(socket);
            }
            await Eventually.True(() => b.HandshakesTurnedAway == 7, "seven connections turned away");
            var closed = 0;
            foreach (var socket in idle)
            {
                using var peek = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
                try
                {
                    if (await socket.ReceiveAsync(new byte[1], System.Net.Sockets.SocketFlags.None, peek.Token) == 0) closed++;
                }
                catch (OperationCanceledException)
                {
                    // still open: its handshake waits
                }
            }
            Assert.Equal(7, closed);

            // once the idle ones are gone, a real peer connects and talks
            foreach (var socket in idle) socket.Dispose();
            await using var a = await TestTransports.StartAsync(new RecordingHandler(), settings);
            await a.ConnectAsync(b.LocalAddress.Address, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));
            a.Send(b.LocalAddress.Address, new OutboundMessage("/user/b", null, 1, "", "hello"u8.ToArray()));
            await Eventually.True(() => handlerB.Count == 1, "the real peer's message arrived");
        }
        finally
        {
            foreach (var socket in idle) socket.Dispose();
        }
    }

    [Fact]
    public async Task A_flush_delay_still_delivers_everything_in_order()
    {
        var handlerB = new RecordingHandler();
        var settings = TestTransports.Settings() with { FlushDelay = TimeSpan.FromMilliseconds(2) };
        await using var a = await TestTransports.StartAsync(new RecordingHandler(), settings);
        await using var b = await TestTransports.StartAsync(handlerB, settings);
        for (var i = 0; i < 300; i++)
        {
            a.Send(b.LocalAddress.Address, new OutboundMessage("/user/b", null, 1, "", BitConverter.GetBytes(i)));
            if (i % 50 == 0) await Task.Delay(1);
        }
        await Eventually.True(() => handlerB.Count == 300, "all delivered");
        Assert.Equal(Enumerable.Range(0, 300), handlerB.Envelopes.Select(e => BitConverter.ToInt32(e.Payload)));
    }

    [Fact]
    public async Task Simultaneous_connects_settle_on_one_connection_on_both_sides()
    {
        for (var round = 0; round < 5; round++)
        {
            var handlerA = new RecordingHandler();
            var handlerB = new RecordingHandler();
            await using var a = await TestTransports.StartAsync(handlerA);
            await using var b = await TestTransports.StartAsync(handlerB);

            var ab = a.ConnectAsync(b.LocalAddress.Address, CancellationToken.None);
            var ba = b.ConnectAsync(a.LocalAddress.Address, CancellationToken.None);
            Assert.Equal(b.LocalAddress, await ab);
            Assert.Equal(a.LocalAddress, await ba);

            await Eventually.True(() => a.ConnectionCount == 1 && b.ConnectionCount == 1, "duplicate connection retired");
            a.Send(b.LocalAddress.Address, new OutboundMessage("/user/b", null, 1, "", "after"u8.ToArray()));
            b.Send(a.LocalAddress.Address, new OutboundMessage("/user/a", null, 1, "", "after"u8.ToArray()));
            await Eventually.True(() => handlerA.Count == 1 && handlerB.Count == 1, "traffic over the surviving connection");
        }
    }

    [Fact]
    public async Task A_wrong_secret_is_refused_and_both_sides_log_the_reason()
    {
        var logA = new ListLogger<ClusterTransport>();
        var logB = new ListLogger<ClusterTransport>();
        var handlerB = new RecordingHandler();
        await using var a = await TestTransports.StartAsync(new RecordingHandler(), TestTransports.Settings("secret-one"), logA);
        await using var b = await TestTransports.StartAsync(handlerB, TestTransports.Settings("secret-two"), logB);

        a.Send(b.LocalAddress.Address, new OutboundMessage("/user/b", null, 1, "", new byte[] { 1 }));

        await Eventually.True(() => logA.Lines.Any(l => l.Contains("secret mismatch")) && logB.Lines.Any(l => l.Contains("secret mismatch")),
            "both sides log the secret mismatch");
        Assert.Contains(logA.Lines, l => l.StartsWith("Warning") && l.Contains("refused"));
        Assert.Contains(logB.Lines, l => l.StartsWith("Warning") && l.Contains("refused"));
        Assert.Equal(0, handlerB.Count);
        Assert.Empty(a.Associated);
        Assert.Empty(b.Associated);
    }

    [Fact]
    public async Task An_incompatible_protocol_version_is_refused_on_both_sides()
    {
        var logA = new ListLogger<ClusterTransport>();
        var logB = new ListLogger<ClusterTransport>();
        await using var a = await TestTransports.StartAsync(new RecordingHandler(), TestTransports.Settings() with { ProtocolVersion = 99 }, logA);
        await using var b = await TestTransports.StartAsync(new RecordingHandler(), TestTransports.Settings(), logB);

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(1));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => a.ConnectAsync(b.LocalAddress.Address, cts.Token));
        await Eventually.True(() => logA.Lines.Any(l => l.Contains("incompatible protocol version 99")) && logB.Lines.Any(l => l.Contains("incompatible protocol version 99")),
            "both sides log the version refusal");
    }

    [Fact]
    public async Task Another_system_name_is_refused()
    {
        var logB = new ListLogger<ClusterTransport>();
        await using var a = await TestTransports.StartAsync(new RecordingHandler(), TestTransports.Settings() with { SystemName = "other" });
        await using var b = await TestTransports.StartAsync(new RecordingHandler(), TestTransports.Settings(), logB);
        // dial b under the system name a expects, so the check happens in the handshake
        var target = new NodeAddress("other", b.LocalAddress.Address.Host, b.LocalAddress.Address.Port);
        a.Send(target, new OutboundMessage("/user/x", null, 1, "", new byte[1]));
        await Eventually.True(() => logB.Lines.Any(l => l.Contains("system name 'other' differs")), "refusal names the system");
    }

    [Fact]
    public async Task Heartbeats_are_answered_by_the_transport()
    {
        var handlerA = new RecordingHandler();
        await using var a = await TestTransports.StartAsync(handlerA);
        await using var b = await TestTransports.StartAsync(new RecordingHandler());
        a.SendSystem(b.LocalAddress.Address, new SystemFrame { Heartbeat = new Heartbeat { Sequence = 7, SentAtTicks = 1234 } });
        await Eventually.True(() => handlerA.SystemFrames.Count == 1, "heartbeat response");
        var (from, frame) = handlerA.SystemFrames[0];
        Assert.Equal(b.LocalAddress, from);
        Assert.Equal((7L, 1234L, b.LocalAddress.Uid), (frame.HeartbeatResponse.Sequence, frame.HeartbeatResponse.SentAtTicks, frame.HeartbeatResponse.From.Uid));
    }

    [Fact]
    public async Task A_restarted_peer_is_a_new_association_and_queued_messages_reach_it()
    {
        var handlerA = new RecordingHandler();
        await using var a = await TestTransports.StartAsync(handlerA);
        var handlerB1 = new RecordingHandler();
        var b1 = await TestTransports.StartAsync(handlerB1);
        var port = b1.LocalAddress.Address.Port;
        var uid1 = await a.ConnectAsync(b1.LocalAddress.Address, CancellationToken.None);
        await b1.DisposeAsync();
        await Eventually.True(() => handlerA.DisassociatedFrom.Count == 1, "disassociation noticed");

        a.Send(uid1.Address, new OutboundMessage("/user/b", null, 1, "", Encoding.UTF8.GetBytes("queued while down")));
        var handlerB2 = new RecordingHandler();
        await using var b2 = await TestTransports.StartAsync(handlerB2, TestTransports.Settings() with { Port = port });
        await Eventually.True(() => handlerB2.Count == 1, "queued message delivered after the restart");
        Assert.Equal("queued while down", Encoding.UTF8.GetString(handlerB2.Envelopes[0].Payload));
        Assert.NotEqual(uid1.Uid, b2.LocalAddress.Uid);
        // the queue may drain to the new connection before a's handler hears of the association: wait for it
        await Eventually.True(() => handlerA.AssociatedWith.Count == 2, "a associated with the new incarnation");
        Assert.Equal([uid1, b2.LocalAddress], handlerA.AssociatedWith);
    }

    [Fact]
    public async Task A_quarantined_incarnation_cannot_associate_again()
    {
        var logA = new ListLogger<ClusterTransport>();
        var handlerA = new RecordingHandler();
        await using var a = await TestTransports.StartAsync(handlerA, logger: logA);
        var handlerB = new RecordingHandler();
        await using var b = await TestTransports.StartAsync(handlerB);
        await a.ConnectAsync(b.LocalAddress.Address, CancellationToken.None);
        await Eventually.True(() => b.Associated.Count == 1, "b adopted the connection");

        await b.QuarantineAsync(a.LocalAddress);
        await Eventually.True(() => handlerA.DisassociatedFrom.Count == 1, "a sees its connection closed");
        a.Send(b.LocalAddress.Address, new OutboundMessage("/user/b", null, 1, "", new byte[1]));

        await Eventually.True(() => logA.Lines.Any(l => l.Contains("refused by the peer") && l.Contains("is quarantined")), "redial refused as quarantined");
        Assert.Equal(0, handlerB.Count);
        Assert.Empty(b.Associated);
    }

    [Fact]
    public async Task A_remote_peer_handle_sends_without_the_address_and_survives_a_restart_of_the_peer()
    {
        var handlerA = new RecordingHandler();
        await using var a = await TestTransports.StartAsync(handlerA);
        var handlerB1 = new RecordingHandler();
        var b1 = await TestTransports.StartAsync(handlerB1);
        var port = b1.LocalAddress.Address.Port;
        var peer = a.Peer(b1.LocalAddress.Address);
        Assert.Same(peer, a.Peer(b1.LocalAddress.Address));
        Assert.Equal(EnqueueResult.Enqueued, peer.Send(new OutboundMessage("/user/b", null, 1, "", new byte[] { 1 })));
        await Eventually.True(() => handlerB1.Count == 1, "first message");

        await b1.DisposeAsync();
        await Eventually.True(() => handlerA.DisassociatedFrom.Count == 1, "connection lost");
        var handlerB2 = new RecordingHandler();
        await using var b2 = await TestTransports.StartAsync(handlerB2, TestTransports.Settings() with { Port = port });
        peer.Send(new OutboundMessage("/user/b", null, 1, "", new byte[] { 2 }));
        await Eventually.True(() => handlerB2.Count == 1, "the same handle reaches the restarted peer");
        Assert.Equal(0, peer.Queue.Depth);
    }

    [Fact]
    public async Task Disposing_flushes_the_queue_and_says_goodbye()
    {
        var handlerB = new RecordingHandler();
        await using var b = await TestTransports.StartAsync(handlerB);
        var a = await TestTransports.StartAsync(new RecordingHandler());
        await a.ConnectAsync(b.LocalAddress.Address, CancellationToken.None);
        for (var i = 0; i < 20_000; i++)
            a.Send(b.LocalAddress.Address, new OutboundMessage("/user/b", null, 1, "", BitConverter.GetBytes(i)));
        await a.DisposeAsync();

        await Eventually.True(() => handlerB.SystemFrames.Any(f => f.Frame.BodyCase == SystemFrame.BodyOneofCase.Disconnect), "Disconnect frame");
        Assert.Equal(20_000, handlerB.Count);
        Assert.Equal(Enumerable.Range(0, 20_000), handlerB.Envelopes.Select(e => BitConverter.ToInt32(e.Payload)));
        Assert.Contains("shutting down", handlerB.SystemFrames.Single().Frame.Disconnect.Reason);
    }

    [Fact]
    public async Task Large_messages_pass_once_the_handshake_has_raised_the_frame_limit()
    {
        var handlerA = new RecordingHandler();
        var handlerB = new RecordingHandler();
        await using var a = await TestTransports.StartAsync(handlerA);
        await using var b = await TestTransports.StartAsync(handlerB);
        var big = Enumerable.Range(0, 1_000_000).Select(i => (byte)(i * 7)).ToArray();
        a.Send(b.LocalAddress.Address, new OutboundMessage("/user/b", null, 1, "", big));
        b.Send(a.LocalAddress.Address, new OutboundMessage("/user/a", null, 1, "", big));
        await Eventually.True(() => handlerA.Count == 1 && handlerB.Count == 1, "one-megabyte messages both ways");
        Assert.Equal(big, handlerB.Envelopes[0].Payload);
        Assert.Equal(big, handlerA.Envelopes[0].Payload);
    }

    [Fact]
    public async Task Sending_a_message_above_the_frame_limit_names_the_limit()
    {
        await using var a = await TestTransports.StartAsync(new RecordingHandler(), TestTransports.Settings() with { MaxFrameSize = 2048 });
        var error = Assert.Throws<ArgumentException>(() => a.Send(new NodeAddress(TestTransports.System, "127.0.0.1", 1), new OutboundMessage("/user/x", null, 1, "", new byte[4096])));
        Assert.Contains("2048", error.Message);
    }
}
