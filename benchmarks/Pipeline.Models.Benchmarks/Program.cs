using System.Diagnostics;
using System.Text.Json;
using Pipeline.Models;

// Side-by-side run of the same MLP loops (64→256→256→2, one intra-op thread) through the C# API and through the
// raw libtorch C++ program src/Pipeline.Models/native/build/cpu/mlp_bench (build it with native/build.sh --bench).
// Each case alternates C++ and C# rounds and keeps each side's best round, so load from other processes on a
// shared machine biases neither side.
// Usage: dotnet run -c Release --project benchmarks/Pipeline.Models.Benchmarks -- [seconds per round] [rounds] [--malloc]
//        [--device cpu|cuda] [--text-only]   (on a GPU machine: the text classifier against PyTorch eager on that device)
double seconds = args.Length > 0 && double.TryParse(args[0], System.Globalization.CultureInfo.InvariantCulture, out double s) ? s : 1;
int rounds = args.Length > 1 && int.TryParse(args[1], out int r) ? r : 5;
bool tuneMalloc = args.Contains("--malloc");
bool textOnly = args.Contains("--text-only");
int deviceArg = Array.IndexOf(args, "--device");
Device device = deviceArg >= 0 && deviceArg + 1 < args.Length ? Device.Parse(args[deviceArg + 1]) : Device.Cpu;
if (device.Type == DeviceType.Cuda && !Torch.IsCudaAvailable)
{
    Console.Error.WriteLine("--device cuda, but the loaded shim has no CUDA device (CPU build, or no GPU): build it with src/Pipeline.Models/native/build.sh --cuda.");
    return 2;
}

if (tuneMalloc)
{
    Torch.ConfigureMalloc(trimThresholdBytes: 256 << 20, mmapThresholdBytes: 64 << 20);
}

Torch.NumThreads = 1;
Console.WriteLine($"device {device}, shim built with CUDA: {Torch.BuiltWithCuda}, CUDA devices: {Torch.CudaDeviceCount}");
if (!textOnly)
{
    // the MLP against the raw C++ loop of the CPU build (the C++ program exists only there)
    string bench = FindBench();
    PrintMlpHeader(rounds, seconds, tuneMalloc);
    foreach (var (mode, batch) in new[] { ("infer", 1), ("infer", 32), ("infer", 256), ("train", 32), ("train", 256) })
    {
        RunMlpCase(bench, mode, batch, rounds, seconds);
    }
}

Console.WriteLine();
Console.WriteLine($"Text classifier (EmbeddingBag 2^18 x 64 mean -> 64 -> 2, 200 ids per text), inference on {device}:");
Console.WriteLine("| batch | PyTorch eager samples/s | C# samples/s | C#/PyTorch | PyTorch µs/call | C# µs/call |");
Console.WriteLine("| --- | --- | --- | --- | --- | --- |");
foreach (int batch in new[] { 256, 1024 })
{
    (double Rate, double Micros) py = (0, 0);
    (double Rate, double Micros) cs = (0, 0);
    for (int round = 0; round < rounds; round++)
    {
        var p = RunPython(batch, seconds, 200, device);
        var c = RunCSharpText(batch, seconds, 200, device);
        py = p.SamplesPerSecond > py.Rate ? p : py;
        cs = c.SamplesPerSecond > cs.Rate ? c : cs;
    }

    Console.WriteLine($"| {batch} | {py.Rate:N0} | {cs.Rate:N0} | {cs.Rate / py.Rate:P1} | {py.Micros:F1} | {cs.Micros:F1} |");
}

return 0;

static void PrintMlpHeader(int rounds, double seconds, bool tuneMalloc)
{
    Console.WriteLine($"OPENBLAS_CORETYPE={Environment.GetEnvironmentVariable("OPENBLAS_CORETYPE") ?? "(unset)"}, malloc tuned: {tuneMalloc}, {Environment.ProcessorCount} CPUs, best of {rounds} alternating rounds of {seconds} s");
    Console.WriteLine("| case | batch | C++ samples/s | C# samples/s | C#/C++ | C++ µs/call | C# µs/call | C# overhead µs/call |");
    Console.WriteLine("| --- | --- | --- | --- | --- | --- | --- | --- |");
}

static void RunMlpCase(string bench, string mode, int batch, int rounds, double seconds)
{
    (double cppRate, double cppMicros) = (0, double.MaxValue);
    (double csRate, double csMicros) = (0, double.MaxValue);
    for (int round = 0; round < rounds; round++)
    {
        var cpp = RunCpp(bench, mode, batch, seconds);
        var cs = RunCSharp(mode, batch, seconds);
        (cppRate, cppMicros) = cpp.SamplesPerSecond > cppRate ? cpp : (cppRate, cppMicros);
        (csRate, csMicros) = cs.SamplesPerSecond > csRate ? cs : (csRate, csMicros);
    }

    Console.WriteLine($"| {mode} | {batch} | {cppRate:N0} | {csRate:N0} | {csRate / cppRate:P1} | {cppMicros:F2} | {csMicros:F2} | {csMicros - cppMicros:F2} |");
}

static (double SamplesPerSecond, double MicrosPerCall) RunCSharpText(int batch, double seconds, int perText, Device device)
{
    Torch.ManualSeed(0);
    using var model = new TextClassifier(new TextClassifierOptions(Buckets: 1 << 18, EmbeddingDim: 64, Hidden: [64], Classes: 2));
    model.Eval();
    model.To(device);
    var random = new Random(0);
    long[] idValues = new long[batch * perText];
    for (int i = 0; i < idValues.Length; i++)
    {
        idValues[i] = random.NextInt64(1 << 18);
    }

    long[] offsetValues = new long[batch];
    for (int i = 0; i < batch; i++)
    {
        offsetValues[i] = (long)i * perText;
    }

    using Tensor ids = Tensor.FromSpan<long>(idValues, device);
    using Tensor offsets = Tensor.FromSpan<long>(offsetValues, device);
    return Measure(seconds, batch, () =>
    {
        using GradModeScope inference = Torch.InferenceMode();
        using Tensor logits = model.Forward(ids, offsets);
    }, () =>
    {
        // a GPU runs the calls asynchronously: a copy back waits for all of them (as torch.cuda.synchronize does)
        using GradModeScope inference = Torch.InferenceMode();
        using Tensor logits = model.Forward(ids, offsets);
        _ = logits.ToArray<float>();
    });
}

static (double SamplesPerSecond, double MicrosPerCall) Measure(double seconds, int batch, Action once, Action sync)
{
    var warm = Stopwatch.StartNew();
    while (warm.Elapsed.TotalMilliseconds < 300)
    {
        once();
    }

    sync();

    long calls = 0;
    var clock = Stopwatch.StartNew();
    while (clock.Elapsed.TotalSeconds < seconds)
    {
        for (int i = 0; i < 4; i++)
        {
            once();
        }

        calls += 4;
    }

    sync();
    calls++;
    double elapsed = clock.Elapsed.TotalSeconds;
    return (calls * batch / elapsed, elapsed * 1e6 / calls);
}

static (double SamplesPerSecond, double MicrosPerCall) RunPython(int batch, double seconds, int perText, Device device)
{
    string script = Path.Combine(AppContext.BaseDirectory, "text_classifier_bench.py");
    string python = Environment.GetEnvironmentVariable("PIPELINE_TORCH_PYTHON") ?? "/usr/bin/python3";
    var info = new ProcessStartInfo(python, [script, batch.ToString(System.Globalization.CultureInfo.InvariantCulture), seconds.ToString(System.Globalization.CultureInfo.InvariantCulture), perText.ToString(System.Globalization.CultureInfo.InvariantCulture), device.ToString()])
    {
        RedirectStandardOutput = true,
    };
    using var process = Process.Start(info) ?? throw new InvalidOperationException($"cannot start {python}");
    string output = process.StandardOutput.ReadToEnd();
    process.WaitForExit();
    using var doc = JsonDocument.Parse(output);
    return (doc.RootElement.GetProperty("samples_per_s").GetDouble(), doc.RootElement.GetProperty("us_per_call").GetDouble());
}

static (double SamplesPerSecond, double MicrosPerCall) RunCSharp(string mode, int batch, double seconds)
{
    Torch.ManualSeed(0);
    using Sequential mlp = Mlp.Create([64, 256, 256, 2]);
    using Tensor x = Tensor.Randn([batch, 64]);
    using Tensor y = Tensor.Zeros([batch], ScalarType.Int64);
    using var adam = new Adam(mlp.Parameters(), 1e-3);
    void Once()
    {
        if (mode == "infer")
        {
            using GradModeScope inference = Torch.InferenceMode();
            using Tensor output = mlp.Forward(x);
        }
        else
        {
            using Tensor logits = mlp.Forward(x);
            using Tensor loss = Losses.CrossEntropy(logits, y);
            adam.BackwardAndStep(loss);
        }
    }

    var warm = Stopwatch.StartNew();
    while (warm.Elapsed.TotalMilliseconds < 300)
    {
        Once();
    }

    long calls = 0;
    var clock = Stopwatch.StartNew();
    while (clock.Elapsed.TotalSeconds < seconds)
    {
        for (int i = 0; i < 16; i++)
        {
            Once();
        }

        calls += 16;
    }

    double elapsed = clock.Elapsed.TotalSeconds;
    return (calls * batch / elapsed, elapsed * 1e6 / calls);
}

static (double SamplesPerSecond, double MicrosPerCall) RunCpp(string bench, string mode, int batch, double seconds)
{
    var info = new ProcessStartInfo(bench, [mode, batch.ToString(System.Globalization.CultureInfo.InvariantCulture), seconds.ToString(System.Globalization.CultureInfo.InvariantCulture), "1"])
    {
        RedirectStandardOutput = true,
    };
    using var process = Process.Start(info) ?? throw new InvalidOperationException($"cannot start {bench}");
    string output = process.StandardOutput.ReadToEnd();
    process.WaitForExit();
    using var doc = JsonDocument.Parse(output);
    return (doc.RootElement.GetProperty("samples_per_s").GetDouble(), doc.RootElement.GetProperty("us_per_call").GetDouble());
}

static string FindBench()
{
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
    {
        string candidate = Path.Combine(dir.FullName, "src", "Pipeline.Models", "native", "build", "cpu", "mlp_bench");
        if (File.Exists(candidate))
        {
            return candidate;
        }
    }

    throw new InvalidOperationException("mlp_bench not found: run src/Pipeline.Models/native/build.sh --bench first.");
}
