using Pipeline.Cluster.Benchmarks;

// Remoting throughput: the cluster transport vs a raw socket moving the same bytes, in the same run.
var options = BenchmarkOptions.Parse(args);
if (options.Mode == "node") return await CrashNode.RunAsync(options); // a node process of the crash benchmark: stdout is its protocol
if (options.Mode == "crash") return await CrashBenchmark.RunAsync(options);
Console.WriteLine($"{options.Mode}: {options.Messages:N0} messages of {options.Payload} B payload, {Environment.ProcessorCount} logical CPUs, .NET {Environment.Version}");
switch (options.Mode)
{
    case "inproc":
    {
        var frameSize = TransportBenchmark.FrameSize(options.Payload);
        var transport = await TransportBenchmark.RunInProcessAsync(options);
        var raw = await RawSocketBenchmark.RunInProcessAsync(options, frameSize);
        var perFrame = await RawSocketBenchmark.RunPerFrameAsync(Math.Max(1, options.Messages / 10), frameSize);
        Console.WriteLine($"RESULT transport {transport:N0} msgs/s; raw socket bulk {raw:N0} frames/s ({frameSize} B each): transport = {100 * transport / raw:N1}% of raw bulk; raw one-send-per-frame {perFrame:N0} frames/s: transport = {100 * transport / perFrame:N0}% of it");
        break;
    }
    case "latency":
        await LatencyBenchmark.RunAsync(options);
        break;
    case "failover":
        await FailoverBenchmark.RunAsync();
        break;
    case "codec":
        await CodecBenchmark.RunAsync(options);
        break;
    case "actor-path":
        await Pipeline.Cluster.Benchmarks.Actors.ActorPathBenchmark.RunAsync(options);
        break;
    case "server":
        await TwoProcessBenchmark.ServeAsync(options);
        break;
    case "client":
        await TwoProcessBenchmark.DriveAsync(options);
        break;
    case "actors-server":
        await Pipeline.Cluster.Benchmarks.Actors.RemoteActorsBenchmark.ServeAsync(options);
        break;
    case "actors-client":
        await Pipeline.Cluster.Benchmarks.Actors.RemoteActorsBenchmark.DriveAsync(options);
        break;
    default:
        Console.Error.WriteLine($"Unknown --mode '{options.Mode}': use inproc, codec, actor-path, latency, failover, crash, server, client, actors-server or actors-client.");
        return 2;
}
return 0;
