using System.Diagnostics;

namespace Pipeline.Models.Tests.Support;

/// <summary>Runs Debian's python3 with python3-torch (1.13) to produce reference files and outputs at test time.</summary>
internal static class PythonTorch
{
    public static string Interpreter => Environment.GetEnvironmentVariable("PIPELINE_TORCH_PYTHON") ?? "/usr/bin/python3";

    public static async Task<string> RunAsync(string script, string workingDirectory, CancellationToken cancellationToken)
    {
        if (!File.Exists(Interpreter))
        {
            throw new InvalidOperationException($"{Interpreter} is missing: run scripts/setup/torch.sh (installs python3-torch) or set PIPELINE_TORCH_PYTHON.");
        }

        string scriptPath = Path.Combine(workingDirectory, "script.py");
        await File.WriteAllTextAsync(scriptPath, script, cancellationToken);
        var info = new ProcessStartInfo(Interpreter, [scriptPath])
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        info.Environment["OMP_NUM_THREADS"] = "1";
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {Interpreter}.");
        Task<string> stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        Task<string> stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(TimeSpan.FromSeconds(120));
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        string output = await stdout;
        string errors = await stderr;
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{Interpreter} exited with {process.ExitCode} (python3-torch comes from scripts/setup/torch.sh):\n{errors}");
        }

        return output;
    }
}
