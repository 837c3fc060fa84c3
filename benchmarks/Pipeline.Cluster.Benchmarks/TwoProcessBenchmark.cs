using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Pipeline.Cluster.Addressing;
using Pipeline.Cluster.Transport;
using Pipeline.Cluster.Wire;

namespace Pipeline.Cluster.Benchmarks;

/// <summary>
/// The same comparison across two processes: the server counts what arrives and answers once per round
/// (transport on --port, raw socket on --port + 1); the client times each round until the answer.
/// </summary>
internal static class TwoProcessBenchmark
{
    public static async Task ServeAsync(BenchmarkOptions options)
    {
        var rounds = options.Rounds + 1; // the first is a warm-up
        var frameSize = TransportBenchmark.FrameSize(options.Payload);
        using var listener = new Socket(SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Parse(options.Host), options.Port + 1));
        listener.Listen(1);
        var counter = new CountingHandler();
        await using var transport = new ClusterTransport(TransportBenchmark.Settings(options.Port), counter);
        await transport.StartAsync(CancellationToken.None);
        Console.WriteLine($"server: transport on {transport.LocalAddress}, raw socket on port {options.Port + 1}");
        for (var round = 1; round <= rounds; round++)
        {
            await counter.Expect(round * options.Messages);
            transport.Send(counter.LastSender!.Value.Address, new OutboundMessage("/user/bench/client", null, 4, "Bench.Done", ReadOnlyMemory<byte>.Empty));
        }

        using var raw = await listener.AcceptAsync();
        for (var round = 1; round <= rounds; round++)
        {
            await RawSocketBenchmark.ReceiveAsync(raw, options.Messages * frameSize);
            await raw.SendAsync(new byte[] { 1 }, SocketFlags.None);
        }
        await Task.Delay(500); // let the last answers leave before closing
    }

    public static async Task DriveAsync(BenchmarkOptions options)
    {
        var frameSize = TransportBenchmark.FrameSize(options.Payload);
        var done = new DoneHandler();
        await using var transport = new ClusterTransport(TransportBenchmark.Settings(0), done);
        await transport.StartAsync(CancellationToken.None);
        var server = new NodeAddress(TransportBenchmark.System, options.Host, options.Port);
        using (var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
        {
            try
            {
                await transport.ConnectAsync(server, deadline.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"No benchmark server answered at {server} within 30 s; start it first with --mode server --port {options.Port}.");
            }
        }
        var payload = new byte[options.Payload];
        Random.Shared.NextBytes(payload);

        var bestTransport = 0.0;
        for (var round = 0; round <= options.Rounds; round++)
        {
            var answered = done.Next();
            var stopwatch = Stopwatch.StartNew();
            await TransportBenchmark.SendAsync(transport, server, options.Messages, payload);
            await answered;
            stopwatch.Stop();
            if (round == 0) continue;
            var rate = options.Messages / stopwatch.Elapsed.TotalSeconds;
            bestTransport = Math.Max(bestTransport, rate);
            Console.WriteLine($"  transport round {round}: {options.Messages:N0} msgs in {stopwatch.Elapsed.TotalMilliseconds:N0} ms = {rate:N0} msgs/s");
        }

        using var raw = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await raw.ConnectAsync(options.Host, options.Port + 1);
        var bestRaw = 0.0;
        var ack = new byte[1];
        for (var round = 0; round <= options.Rounds; round++)
        {
            var stopwatch = Stopwatch.StartNew();
            await RawSocketBenchmark.SendAsync(raw, options.Messages * frameSize);
            await raw.ReceiveAsync(ack, SocketFlags.None);
            stopwatch.Stop();
            if (round == 0) continue;
            var rate = options.Messages / stopwatch.Elapsed.TotalSeconds;
            bestRaw = Math.Max(bestRaw, rate);
            Console.WriteLine($"  raw socket round {round}: {options.Messages:N0} frames of {frameSize} B in {stopwatch.Elapsed.TotalMilliseconds:N0} ms = {rate:N0} frames/s");
        }
        Console.WriteLine($"RESULT two processes: transport {bestTransport:N0} msgs/s; raw socket {bestRaw:N0} frames/s ({frameSize} B each); transport = {100 * bestTransport / bestRaw:N1}% of raw");
    }

    private sealed class DoneHandler : ITransportHandler
    {
        private TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Next()
        {
            _done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _done.Task;
        }

        public void OnEnvelope(UniqueAddress from, in InboundEnvelope envelope) => _done.TrySetResult();

        public void OnSystemFrame(UniqueAddress from, Pipeline.Cluster.Wire.Protocol.SystemFrame frame) { }

        public void OnAssociated(UniqueAddress remote) { }

        public void OnDisassociated(UniqueAddress remote, string reason) { }
    }
}
