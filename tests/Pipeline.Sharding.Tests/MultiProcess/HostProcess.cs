using System.Diagnostics;
using System.Text;
using Pipeline.Sharding.TestHost;

namespace Pipeline.Sharding.Tests.MultiProcess;

/// <summary>One node process (tests/Pipeline.Sharding.TestHost, built alongside the tests): its stdout lines, stdin commands, SIGKILL.</summary>
internal sealed class HostProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly List<string> _lines = [];
    private readonly StringBuilder _stderr = new();
    private readonly SemaphoreSlim _changed = new(0);

    private HostProcess(Process process, string name)
    {
        _process = process;
        Name = name;
        _process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (_lines) _lines.Add(e.Data);
            _changed.Release();
        };
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (_stderr) _stderr.AppendLine(e.Data);
        };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string Name { get; }

    /// <summary>This incarnation, e.g. pipeline://sys@127.0.0.1:4711#123 (after <see cref="WaitUpAsync"/>).</summary>
    public string Node { get; private set; } = "";

    /// <summary>The address without the incarnation, e.g. pipeline://sys@127.0.0.1:4711.</summary>
    public string Address => Node[..Node.LastIndexOf('#')];

    public int Port => int.Parse(Address[(Address.LastIndexOf(':') + 1)..], System.Globalization.CultureInfo.InvariantCulture);

    public bool HasExited => _process.HasExited;

    public IReadOnlyList<string> Lines
    {
        get { lock (_lines) return _lines.ToArray(); }
    }

    public static string DllPath
    {
        get
        {
            // tests/Pipeline.Sharding.Tests/bin/<Configuration>/<tfm>/ -> tests/Pipeline.Sharding.TestHost/bin/<Configuration>/<tfm>/
            var bin = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
            var tfm = bin.Name;
            var configuration = bin.Parent!.Name;
            var testsDir = bin.Parent.Parent!.Parent!.Parent!.FullName;
            var dll = Path.Combine(testsDir, "Pipeline.Sharding.TestHost", "bin", configuration, tfm, "Pipeline.Sharding.TestHost.dll");
            return File.Exists(dll)
                ? dll
                : throw new FileNotFoundException($"The sharding test host is not built at {dll}: build it with `dotnet build tests/Pipeline.Sharding.Tests` (the test project builds it).", dll);
        }
    }

    public static HostProcess Start(string name, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(DllPath);
        foreach (var arg in args) info.ArgumentList.Add(arg);
        return new HostProcess(Process.Start(info) ?? throw new InvalidOperationException("Could not start the sharding test host."), name);
    }

    public async Task WaitUpAsync(TimeSpan timeout)
    {
        var line = await WaitForLineAsync(l => l.StartsWith("up ", StringComparison.Ordinal), timeout, "up");
        Node = line[3..];
    }

    public async Task<string> WaitForLineAsync(Func<string, bool> match, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout * ShardingTestSetup.TimeFactor;
        var seen = 0;
        while (true)
        {
            var lines = Lines;
            for (; seen < lines.Count; seen++)
                if (match(lines[seen])) return lines[seen];
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero || _process.HasExited && seen == Lines.Count)
                throw new TimeoutException($"{Name} did not print '{what}' in time{(_process.HasExited ? " (it exited)" : "")}. Output:\n{string.Join('\n', Lines)}\nErrors:\n{Errors}");
            await _changed.WaitAsync(left < TimeSpan.FromMilliseconds(200) ? left : TimeSpan.FromMilliseconds(200));
        }
    }

    public async Task SendAsync(string command)
    {
        await _process.StandardInput.WriteLineAsync(command);
        await _process.StandardInput.FlushAsync();
    }

    public string Errors
    {
        get { lock (_stderr) return _stderr.ToString(); }
    }

    /// <summary>Waits until the process logged (stderr) a line containing <paramref name="text"/>.</summary>
    public async Task WaitForLogAsync(string text, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout * ShardingTestSetup.TimeFactor;
        while (!Errors.Contains(text, StringComparison.Ordinal))
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"{Name} did not log '{text}' in time. Log:\n{Errors}");
            await Task.Delay(100);
        }
    }

    /// <summary>Waits for the process to exit by itself; returns its exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        await _process.WaitForExitAsync().WaitAsync(timeout * ShardingTestSetup.TimeFactor);
        return _process.ExitCode;
    }

    /// <summary>SIGKILL: no leave, no flush, no goodbye.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited) await KillAsync();
        _process.Dispose();
    }
}
