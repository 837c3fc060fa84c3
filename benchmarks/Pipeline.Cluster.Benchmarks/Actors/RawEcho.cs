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

    /// <summary>
    /// The same echo on dedicated threads with blocking socket calls (no thread pool, no epoll): a thread per
    /// accepted connection on the server, a sending and a receiving thread in the client.
    /// </summary>
    public static void ServeBlocking(Socket listener)
    {
        var acceptor = new Thread(() =>
        {
            while (true)
            {
                var socket = listener.Accept();
                socket.NoDelay = true;
                new Thread(() =>
                {
                    using var s = socket;
                    var buffer = new byte[Chunk];
                    while (true)
                    {
                        var n = s.Receive(buffer);
                        if (n == 0) return;
                        var sent = 0;
                        while (sent < n) sent += s.Send(buffer, sent, n - sent, SocketFlags.None);
                    }
                }) { IsBackground = true, Name = "raw echo (blocking)" }.Start();
            }
        }) { IsBackground = true, Name = "raw echo acceptor" };
        acceptor.Start();
    }

    /// <summary>Sends <paramref name="bytes"/> through the blocking echo from a dedicated thread, receiving on another.</summary>
    public static Task RoundBlockingAsync(Socket socket, long bytes)
    {
        var sender = new Thread(() =>
        {
            var buffer = new byte[Chunk];
            Random.Shared.NextBytes(buffer);
            var left = bytes;
            while (left > 0) left -= socket.Send(buffer, 0, (int)Math.Min(left, Chunk), SocketFlags.None);
        }) { IsBackground = true, Name = "raw echo sender" };
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var receiver = new Thread(() =>
        {
            try
            {
                var received = new byte[Chunk];
                var remaining = bytes;
                while (remaining > 0)
                {
                    var n = socket.Receive(received);
                    if (n == 0) throw new IOException("The raw echo server closed the connection early.");
                    remaining -= n;
                }
                done.TrySetResult();
            }
            catch (Exception e)
            {
                done.TrySetException(e);
            }
        }) { IsBackground = true, Name = "raw echo receiver" };
        sender.Start();
        receiver.Start();
        return done.Task;
    }

    /// <summary>Connects without any asynchronous call, so that the socket stays a plain blocking one.</summary>
    public static Socket ConnectBlocking(string host, int port)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        socket.Connect(IPAddress.Parse(host), port);
        return socket;
    }

    public static async Task<Socket> ConnectAsync(string host, int port)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(IPAddress.Parse(host), port);
        return socket;
    }
}
