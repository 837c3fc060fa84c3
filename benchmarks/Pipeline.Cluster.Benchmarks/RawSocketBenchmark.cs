using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Pipeline.Cluster.Benchmarks;

/// <summary>
/// The baseline: a raw TCP socket moving exactly the bytes the transport would (frames of the same size), in
/// 64 KiB writes, with no encoding, queueing or decoding at all.
/// </summary>
internal static class RawSocketBenchmark
{
    private const int Chunk = 64 * 1024;

    public static async Task<double> RunInProcessAsync(BenchmarkOptions options, int frameSize)
    {
        using var listener = new Socket(SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(1);
        using var client = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await client.ConnectAsync((IPEndPoint)listener.LocalEndPoint!);
        using var server = await listener.AcceptAsync();

        var best = 0.0;
        for (var round = 0; round < options.Rounds + 1; round++)
        {
            var bytes = options.Messages * frameSize;
            var stopwatch = Stopwatch.StartNew();
            var receive = ReceiveAsync(server, bytes);
            await SendAsync(client, bytes);
            await receive;
            stopwatch.Stop();
            if (round == 0) continue; // warm-up
            var rate = options.Messages / stopwatch.Elapsed.TotalSeconds;
            best = Math.Max(best, rate);
            Console.WriteLine($"  raw socket round {round}: {bytes / 1e6:N0} MB ({options.Messages:N0} frames of {frameSize} B) in {stopwatch.Elapsed.TotalMilliseconds:N0} ms = {rate:N0} frames/s");
        }
        return best;
    }

    /// <summary>A naive remoting's baseline: the same frames, one socket send each (no batching).</summary>
    public static async Task<double> RunPerFrameAsync(long frames, int frameSize)
    {
        using var listener = new Socket(SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(1);
        using var client = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await client.ConnectAsync((IPEndPoint)listener.LocalEndPoint!);
        using var server = await listener.AcceptAsync();
        var frame = new byte[frameSize];
        var stopwatch = Stopwatch.StartNew();
        var receive = ReceiveAsync(server, frames * frameSize);
        for (long i = 0; i < frames; i++) await client.SendAsync(frame, SocketFlags.None);
        await receive;
        var rate = frames / stopwatch.Elapsed.TotalSeconds;
        Console.WriteLine($"  raw socket, one send per frame: {frames:N0} frames in {stopwatch.Elapsed.TotalMilliseconds:N0} ms = {rate:N0} frames/s");
        return rate;
    }

    public static async Task SendAsync(Socket socket, long bytes)
    {
        var buffer = new byte[Chunk];
        Random.Shared.NextBytes(buffer);
        while (bytes > 0)
        {
            var n = (int)Math.Min(bytes, Chunk);
            await socket.SendAsync(buffer.AsMemory(0, n), SocketFlags.None);
            bytes -= n;
        }
    }

    public static async Task ReceiveAsync(Socket socket, long bytes)
    {
        var buffer = new byte[Chunk];
        while (bytes > 0)
        {
            var n = await socket.ReceiveAsync(buffer, SocketFlags.None);
            if (n == 0) throw new IOException("The raw benchmark peer closed early.");
            bytes -= n;
        }
    }
}
