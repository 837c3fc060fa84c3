using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;

namespace Pipeline.Streams.Tests.Connectors;

/// <summary>Runs tests/Pipeline.Streams.CrashHost (built with the tests) and collects the offsets it processed.</summary>
internal sealed class CrashHostProcess : IDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<long> _processed = new();
    private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ConcurrentQueue<string> _errors = new();

    private CrashHostProcess(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            if (e.Data.StartsWith("processed ", StringComparison.Ordinal)) _processed.Enqueue(long.Parse(e.Data["processed ".Length..], CultureInfo.InvariantCulture));
            else if (e.Data == "done") _done.TrySetResult();
        };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) _errors.Enqueue(e.Data); };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    internal static string DllPath
    {
        get
        {
            // tests/Pipeline.Streams.Tests/bin/<Configuration>/<tfm>/ -> tests/Pipeline.Streams.CrashHost/bin/<Configuration>/<tfm>/
            var bin = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
            var testsDir = bin.Parent!.Parent!.Parent!.Parent!.FullName;
            var dll = Path.Combine(testsDir, "Pipeline.Streams.CrashHost", "bin", bin.Parent.Name, bin.Name, "Pipeline.Streams.CrashHost.dll");
            return File.Exists(dll) ? dll : throw new FileNotFoundException($"The crash host is not built at {dll}: `dotnet build tests/Pipeline.Streams.Tests` builds it.", dll);
        }
    }

    public static CrashHostProcess Start(params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(DllPath);
        foreach (var a in args) info.ArgumentList.Add(a);
        return new CrashHostProcess(Process.Start(info) ?? throw new InvalidOperationException("Could not start the crash host."));
    }

    public long[] Processed => _processed.ToArray();

    public Task Done => _done.Task;

    public string Errors => string.Join(Environment.NewLine, _errors);

    /// <summary>SIGKILL: no shutdown hook, no final commit.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    public void Dispose()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        _process.Dispose();
    }
}
