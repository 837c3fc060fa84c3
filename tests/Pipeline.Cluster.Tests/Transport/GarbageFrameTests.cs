using System.Buffers.Binary;
using System.Net.Sockets;
using Pipeline.Cluster.Tests.Support;
using Pipeline.Cluster.Transport;
using Pipeline.Cluster.Wire;

namespace Pipeline.Cluster.Tests.Transport;

public sealed class GarbageFrameTests
{
    /// <summary>Random frames of four shapes: random bytes, over-size length, truncated body, valid length with junk body.</summary>
    internal static byte[] RandomFrame(Random random)
    {
        switch (random.Next(4))
        {
            case 0:
                var junk = new byte[random.Next(1, 64)];
                random.NextBytes(junk);
                return junk;
            case 1:
                var huge = new byte[WireFormat.HeaderSize];
                BinaryPrimitives.WriteUInt32LittleEndian(huge, (uint)random.Next(WireFormat.DefaultMaxFrameSize + 1, int.MaxValue));
                huge[4] = (byte)random.Next(1, 3);
                return huge;
            case 2:
                var truncated = new byte[WireFormat.HeaderSize + random.Next(0, 20)];
                BinaryPrimitives.WriteUInt32LittleEndian(truncated, (uint)(truncated.Length + random.Next(1, 100)));
                truncated[4] = (byte)random.Next(1, 3);
                return truncated;
            default:
                var body = new byte[random.Next(1, 40)];
                random.NextBytes(body);
                var frame = new byte[WireFormat.HeaderSize + body.Length];
                BinaryPrimitives.WriteUInt32LittleEndian(frame, (uint)body.Length + 1);
                frame[4] = (byte)random.Next(0, 4);
                body.CopyTo(frame, WireFormat.HeaderSize);
                return frame;
        }
    }

    [Fact]
    public async Task Ten_thousand_garbage_frames_close_their_connections_and_nothing_else()
    {
        var handlerB = new RecordingHandler { Keep = false };
        var handlerA = new RecordingHandler { Keep = false };
        await using var b = await TestTransports.StartAsync(handlerB, TestTransports.Settings() with { HandshakeTimeout = TimeSpan.FromSeconds(2) });
        await using var a = await TestTransports.StartAsync(handlerA);
        await a.ConnectAsync(b.LocalAddress.Address, CancellationToken.None);

        // every frame on its own connection, eight connections at a time, so that each one is really parsed
        const int frames = 10_000;
        var frameBytes = new byte[frames][];
        var random = new Random(1234);
        for (var i = 0; i < frames; i++) frameBytes[i] = RandomFrame(random);
        var closedByServer = 0;
        var garbageTask = Parallel.ForEachAsync(frameBytes, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (frame, _) =>
        {
            using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
            await socket.ConnectAsync("127.0.0.1", b.LocalAddress.Address.Port);
            try
            {
                await socket.SendAsync(frame, SocketFlags.None);
                socket.Shutdown(SocketShutdown.Send);
                var buffer = new byte[4096];
                using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(20));
                while (await socket.ReceiveAsync(buffer, SocketFlags.None, deadline.Token) > 0) { }
            }
            catch (SocketException)
            {
                // reset by the server: also a close
            }
            Interlocked.Increment(ref closedByServer);
        });

        // meanwhile the real association keeps working
        var delivered = 0L;
        while (!garbageTask.IsCompleted)
        {
            a.Send(b.LocalAddress.Address, new OutboundMessage("/user/b", null, 1, "", new byte[10]));
            delivered++;
            await Task.Delay(1);
        }
        await garbageTask;
        a.Send(b.LocalAddress.Address, new OutboundMessage("/user/b", null, 1, "", new byte[10]));
        delivered++;

        Assert.Equal(frames, closedByServer);
        await Eventually.True(() => handlerB.Count == delivered, $"all {delivered} messages over the good connection");
        Assert.Equal(a.LocalAddress, Assert.Single(b.Associated));
        Assert.Empty(handlerB.DisassociatedFrom);
        Assert.Empty(handlerA.DisassociatedFrom);
    }

    [Fact]
    public async Task Garbage_after_a_valid_handshake_closes_only_that_connection()
    {
        var log = new ListLogger<ClusterTransport>();
        var handlerB = new RecordingHandler();
        await using var b = await TestTransports.StartAsync(handlerB, logger: log);
        var handlerA = new RecordingHandler();
        await using var a = await TestTransports.StartAsync(handlerA);
        var handlerC = new RecordingHandler();
        await using var c = await TestTransports.StartAsync(handlerC);
        await a.ConnectAsync(b.LocalAddress.Address, CancellationToken.None);
        await c.ConnectAsync(b.LocalAddress.Address, CancellationToken.None);

        // c sends a frame whose body is junk after a proper handshake: a protocol violation on the c–b connection
        var garbage = new byte[WireFormat.HeaderSize + 2];
        BinaryPrimitives.WriteUInt32LittleEndian(garbage, 3);
        garbage[4] = (byte)FrameKind.Envelope;
        garbage[5] = 0x10; garbage[6] = 0x63; // a reference to string index 99, never defined
        await c.InjectRawAsync(b.LocalAddress.Address, garbage);

        await Eventually.True(() => handlerC.DisassociatedFrom.Count >= 1, "c's connection closed by b");
        Assert.Contains(log.Lines, l => l.Contains("protocol violation") && l.Contains("never defined"));
        a.Send(b.LocalAddress.Address, new OutboundMessage("/user/b", null, 1, "", new byte[] { 42 }));
        await Eventually.True(() => handlerB.Count == 1, "a's connection unaffected");
        Assert.Empty(handlerA.DisassociatedFrom);
    }
}
