using System.Diagnostics;
using Pipeline.TestKit.Processes;

namespace Pipeline.Persistence.Tests.Faults;

/// <summary>Runs tests/Pipeline.Persistence.CrashHost (built alongside the tests) and reads its acknowledgements.</summary>
internal sealed class CrashHostProcess : IDisposable
{
    private readonly Process _process;
    private readonly List<long> _acknowledged = new();
    private readonly TaskCompletionSource<long> _recovered = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<(long Events, long Highest)> _state = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly System.Text.StringBuilder _stderr = new();

    private CrashHostProcess(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) => OnLine(e.Data);
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
                lock (_stderr)
                    _stderr.AppendLine(e.Data);
        };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public static string DllPath => NodeProcess.SiblingDll("Pipeline.Persistence.CrashHost");

    public bool Done { get; private set; }

    public static CrashHostProcess Start(params string[] args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(DllPath);
        foreach (var arg in args)
            info.ArgumentList.Add(arg);
        return new CrashHostProcess(Process.Start(info) ?? throw new InvalidOperationException("Could not start the crash host."));
    }

    public Task<long> Recovered => _recovered.Task;

    /// <summary>In actor mode: the number of events the persistent actor recovered and the highest of them.</summary>
    public Task<(long Events, long Highest)> State => _state.Task;

    public long[] Acknowledged
    {
        get
        {
            lock (_acknowledged)
                return _acknowledged.ToArray();
        }
    }

    public string Errors
    {
        get
        {
            lock (_stderr)
                return _stderr.ToString();
        }
    }

    private void OnLine(string? line)
    {
        if (line is null)
            return;
        if (line.StartsWith("recovered ", StringComparison.Ordinal))
            _recovered.TrySetResult(long.Parse(line["recovered ".Length..], System.Globalization.CultureInfo.InvariantCulture));
        else if (line.StartsWith("state ", StringComparison.Ordinal))
        {
            var parts = line.Split(' ');
            _state.TrySetResult((long.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture), long.Parse(parts[2], System.Globalization.CultureInfo.InvariantCulture)));
        }
        else if (line.StartsWith("ack ", StringComparison.Ordinal))
            lock (_acknowledged)
                _acknowledged.Add(long.Parse(line["ack ".Length..], System.Globalization.CultureInfo.InvariantCulture));
        else if (line == "done")
            Done = true;
    }

    /// <summary>SIGKILL: no chance to flush or dispose anything.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    public async Task<int> WaitForExitAsync(TimeSpan deadline)
    {
        await _process.WaitForExitAsync().WaitAsync(deadline);
        return _process.ExitCode;
    }

    public void Dispose()
    {
        if (!_process.HasExited)
            _process.Kill(entireProcessTree: true);
        _process.Dispose();
    }
}
