using System.Diagnostics;
using System.Text;

namespace Pipeline.TestKit.Processes;

/// <summary>
/// One real child process of a multi-process test (a node of a test cluster, a crash host): its stdout lines, its
/// stderr log, commands on stdin, SIGKILL. Exists so that every multi-process test starts, watches and kills its
/// processes the same way, and says what a process printed when an expectation times out. Deadlines are dilated by
/// <see cref="TestTimeouts.Factor"/>.
/// </summary>
public sealed class NodeProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly List<string> _lines = [];
    private readonly StringBuilder _stderr = new();
    private readonly SemaphoreSlim _changed = new(0);
    // set when the process's stdout ended: only then is every line it printed in _lines (the lines arrive on their own
    // thread, and may still be on their way when the process has already exited)
    private volatile bool _outputEnded;

    private NodeProcess(Process process, string name)
    {
        _process = process;
        Name = name;
        _process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) _outputEnded = true;
            else lock (_lines) _lines.Add(e.Data);
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

    /// <summary>The name the test gave this process (used in failure messages).</summary>
    public string Name { get; }

    /// <summary>This incarnation as the node printed it in its "up &lt;node&gt;" line, e.g. pipeline://sys@127.0.0.1:4711#123 (after <see cref="WaitUpAsync"/>).</summary>
    public string Node { get; private set; } = "";

    /// <summary>The address without the incarnation, e.g. pipeline://sys@127.0.0.1:4711.</summary>
    public string Address => Node[..Node.LastIndexOf('#')];

    /// <summary>The node's TCP port, from <see cref="Address"/>.</summary>
    public int Port => int.Parse(Address[(Address.LastIndexOf(':') + 1)..], System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The process id (to end it by pid, or to tell it apart in logs).</summary>
    public int Id => _process.Id;

    /// <summary>Whether the process has exited.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>Every stdout line so far.</summary>
    public IReadOnlyList<string> Lines
    {
        get { lock (_lines) return _lines.ToArray(); }
    }

    /// <summary>Everything the process wrote on stderr (its log) so far.</summary>
    public string Errors
    {
        get { lock (_stderr) return _stderr.ToString(); }
    }

    /// <summary>
    /// The path of a sibling test-host project's dll built alongside the running test project:
    /// tests/&lt;TestProject&gt;/bin/&lt;Configuration&gt;/&lt;tfm&gt;/ → tests/&lt;hostProject&gt;/bin/&lt;Configuration&gt;/&lt;tfm&gt;/&lt;hostProject&gt;.dll.
    /// Throws, naming the build command, when it is not built.
    /// </summary>
    public static string SiblingDll(string hostProject)
    {
        var bin = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var tfm = bin.Name;
        var configuration = bin.Parent!.Name;
        var testsDir = bin.Parent.Parent!.Parent!.Parent!.FullName;
        var dll = Path.Combine(testsDir, hostProject, "bin", configuration, tfm, hostProject + ".dll");
        return File.Exists(dll)
            ? dll
            : throw new FileNotFoundException($"The test host {hostProject} is not built at {dll}: build it with `dotnet build tests/{hostProject} -c {configuration}` (its test project references it, so building that builds it too).", dll);
    }

    /// <summary>Starts <c>dotnet &lt;dll&gt; args…</c> with stdin, stdout and stderr redirected.</summary>
    public static NodeProcess Start(string name, string dll, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(dll);
        foreach (var arg in args) info.ArgumentList.Add(arg);
        return new NodeProcess(Process.Start(info) ?? throw new InvalidOperationException($"Could not start {name} ({dll})."), name);
    }

    /// <summary>Waits for the node's "up &lt;node&gt;" line and remembers <see cref="Node"/>.</summary>
    public async Task WaitUpAsync(TimeSpan timeout)
    {
        var line = await WaitForLineAsync(l => l.StartsWith("up ", StringComparison.Ordinal), timeout, "up");
        Node = line[3..];
    }

    /// <summary>Waits for a stdout line that matches (lines printed before the call count too); fails with the whole output.</summary>
    public async Task<string> WaitForLineAsync(Func<string, bool> match, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + TestTimeouts.Dilated(timeout);
        var seen = 0;
        while (true)
        {
            var lines = Lines;
            for (; seen < lines.Count; seen++)
                if (match(lines[seen])) return lines[seen];
            var left = deadline - DateTime.UtcNow;
            // (read the end flag before counting the lines: lines read after it are all there are)
            var ended = _outputEnded;
            if (left <= TimeSpan.Zero || ended && seen == Lines.Count)
                throw new TimeoutException($"{Name} did not print '{what}' in time{(ended ? " (it exited)" : "")}. Output:\n{string.Join('\n', Lines)}\nErrors:\n{Errors}");
            await _changed.WaitAsync(left < TimeSpan.FromMilliseconds(200) ? left : TimeSpan.FromMilliseconds(200));
        }
    }

    /// <summary>Writes one command line to the process's stdin.</summary>
    public async Task SendAsync(string command)
    {
        await _process.StandardInput.WriteLineAsync(command);
        await _process.StandardInput.FlushAsync();
    }

    /// <summary>Waits until the process logged (stderr) a line containing <paramref name="text"/>.</summary>
    public async Task WaitForLogAsync(string text, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + TestTimeouts.Dilated(timeout);
        while (!Errors.Contains(text, StringComparison.Ordinal))
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"{Name} did not log '{text}' in time. Log:\n{Errors}");
            await Task.Delay(100);
        }
    }

    /// <summary>Waits for the process to exit by itself; returns its exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        await _process.WaitForExitAsync().WaitAsync(TestTimeouts.Dilated(timeout));
        return _process.ExitCode;
    }

    /// <summary>SIGKILL: no leave, no flush, no goodbye.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    /// <summary>Kills the process if it still runs.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited) await KillAsync();
        _process.Dispose();
    }
}
