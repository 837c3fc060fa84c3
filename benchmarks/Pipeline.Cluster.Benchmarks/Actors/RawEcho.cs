using System.Net;
using System.Net.Sockets;

namespace Pipeline.Cluster.Benchmarks.Actors;

/// <summary>
/// The baseline for the remote ping-pong: a raw TCP echo on loopback that moves exactly the bytes the actors
/// moved (the same number of frames of the same size, each way), in 64 KiB socket calls with no per-message
/// work at all. The server echoes what it reads; the client writes and reads concurrently.
/// </summary>
internal static class RawEcho
{
    private const int Chunk = 64 * 1024;

    /// <summary>Echoes every connection accepted on <paramref name="listener"/> until the process ends.</summary>
    public static async Task ServeAsync(Socket listener)
    {
        while (true)
        {
            var socket = await listener.AcceptAsync();
            socket.NoDelay = true;
            _ = Task.Run(async () =>
            {
                using var s = socket;
                var buffer = new byte[Chunk];
                while (true)
                {
                    var n = await s.ReceiveAsync(buffer, SocketFlags.None);
                    if (n == 0) return;
                    var sent = 0;
                    while (sent < n) sent += await s.SendAsync(buffer.AsMemory(sent, n - sent), SocketFlags.None);
                }
            });
        }
    }

    /// <summary>Sends <paramref name="bytes"/> through the echo and waits until all of them came back.</summary>
    public static async Task RoundAsync(Socket socket, long bytes)
    {
        var send = Task.Run(async () =>
        {
            var buffer = new byte[Chunk];
            Random.Shared.NextBytes(buffer);
            var left = bytes;
            while (left > 0)
            {
                var n = (int)Math.Min(left, Chunk);
                left -= await socket.SendAsync(buffer.AsMemory(0, n), SocketFlags.None);
            }
        });
        var received = new byte[Chunk];
        var remaining = bytes;
        while (remaining > 0)
        {
            var n = await socket.ReceiveAsync(received, SocketFlags.None);
            if (n == 0) throw new IOException("The raw echo server closed the connection early.");
            remaining -= n;
        }
        await send;
    }

    public static async Task<Socket> ConnectAsync(string host, int port)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(IPAddress.Parse(host), port);
        return socket;
    }
}
