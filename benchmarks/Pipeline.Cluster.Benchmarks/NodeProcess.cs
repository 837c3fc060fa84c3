using System.Diagnostics;

namespace Pipeline.Cluster.Benchmarks;

/// <summary>A node process of the crash benchmark (this program in <c>--mode node</c>): its stdout lines, and SIGKILL.</summary>
internal sealed class NodeProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly List<string> _lines = [];
    private readonly List<string> _errors = [];

    private NodeProcess(Process process, string name)
    {
        _process = process;
        Name = name;
        _process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null) lock (_lines) _lines.Add(e.Data);
        };
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null) lock (_errors) _errors.Add(e.Data);
        };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string Name { get; }

    /// <summary>The incarnation (node#uid), known after <see cref="WaitUpAsync"/>.</summary>
    public string Node { get; private set; } = "";

    public static NodeProcess Start(string name, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(typeof(NodeProcess).Assembly.Location);
        foreach (var arg in args) info.ArgumentList.Add(arg);
        return new NodeProcess(Process.Start(info) ?? throw new InvalidOperationException("Could not start a node process."), name);
    }

    public async Task WaitUpAsync(TimeSpan timeout) => Node = (await WaitForAsync("up ", timeout))[0];

    /// <summary>Waits for a line starting with <paramref name="prefix"/>; returns the words after it.</summary>
    public async Task<string[]> WaitForAsync(string prefix, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            string? line;
            lock (_lines) line = _lines.FirstOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal));
            if (line is not null) return line[prefix.Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (_process.HasExited || clock.Elapsed > timeout)
            {
                string errors;
                lock (_errors) errors = string.Join('\n', _errors.TakeLast(30));
                throw new TimeoutException($"{Name} did not print '{prefix}' within {timeout}{(_process.HasExited ? " (it exited)" : "")}. Log:\n{errors}");
            }
            await Task.Delay(5);
        }
    }

    /// <summary>The unix-ms timestamp at the end of the line "<paramref name="prefix"/>... ms".</summary>
    public async Task<long> WaitForTimeAsync(string prefix, TimeSpan timeout) => long.Parse((await WaitForAsync(prefix, timeout))[^1], System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>SIGKILL: no leave, no goodbye.</summary>
    public void Kill() => _process.Kill(entireProcessTree: false);

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited) Kill();
        await _process.WaitForExitAsync();
        _process.Dispose();
    }
}
