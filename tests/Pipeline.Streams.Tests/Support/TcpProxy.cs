using System.Net;
using System.Net.Sockets;

namespace Pipeline.Streams.Tests.Support;

/// <summary>A loopback TCP proxy whose live connections a test can cut, to simulate a lost broker connection.</summary>
public sealed class TcpProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly string _targetHost;
    private readonly int _targetPort;
    private readonly CancellationTokenSource _cts = new();
    private readonly List<TcpClient> _live = new();
    private readonly Lock _lock = new();
    private readonly Task _accepting;
    private int _accepted;

    public TcpProxy(string targetHost, int targetPort)
    {
        _targetHost = targetHost;
        _targetPort = targetPort;
        _listener.Start();
        _accepting = AcceptLoop();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public int Accepted => Volatile.Read(ref _accepted);

    private async Task AcceptLoop()
    {
        while (!_cts.IsCancellationRequested)
        {
            TcpClient client;
            try { client = await _listener.AcceptTcpClientAsync(_cts.Token); }
            catch (Exception) { return; }
            Interlocked.Increment(ref _accepted);
            var upstream = new TcpClient();
            try { await upstream.ConnectAsync(_targetHost, _targetPort, _cts.Token); }
            catch (Exception) { client.Dispose(); upstream.Dispose(); continue; }
            lock (_lock) { _live.Add(client); _live.Add(upstream); }
            _ = Pump(client.GetStream(), upstream.GetStream(), client, upstream);
            _ = Pump(upstream.GetStream(), client.GetStream(), client, upstream);
        }
    }

    private async Task Pump(NetworkStream from, NetworkStream to, TcpClient a, TcpClient b)
    {
        var buffer = new byte[64 * 1024];
        try
        {
            int n;
            while ((n = await from.ReadAsync(buffer, _cts.Token)) > 0) await to.WriteAsync(buffer.AsMemory(0, n), _cts.Token);
        }
        catch (Exception) { /* a cut connection ends the pump */ }
        a.Dispose();
        b.Dispose();
    }

    /// <summary>Closes every live connection (both sides), as a network failure would.</summary>
    public void CutAll()
    {
        lock (_lock)
        {
            foreach (var c in _live) c.Dispose();
            _live.Clear();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _cts.Cancel();
        _listener.Stop();
        CutAll();
        await _accepting;
        _cts.Dispose();
    }
}
