using System.Globalization;
using Pipeline.Cluster.Tests.Support;
using Pipeline.TestKit.Processes;

namespace Pipeline.Cluster.Tests.MultiProcess;

/// <summary>
/// Node processes of one cluster whose only meeting point is the PostgreSQL membership store (PIPELINE_TEST_PG);
/// each test gets its own cluster name, hence its own rows.
/// </summary>
internal sealed class MultiProcessCluster : IAsyncDisposable
{
    private readonly List<NodeProcess> _hosts = [];

    public static double TimeFactor { get; } =
        double.TryParse(Environment.GetEnvironmentVariable("PIPELINE_TEST_TIME_FACTOR"), NumberStyles.Float, CultureInfo.InvariantCulture, out var f) && f >= 1 ? f : 1;

    public string Name { get; } = "mp" + Guid.NewGuid().ToString("N")[..10];

    /// <summary>Where singleton activations are recorded (one file per process).</summary>
    public string ActivationsDirectory { get; } = Directory.CreateTempSubdirectory("pipeline-singleton-").FullName;

    public NodeProcess Start(string name, int port = 0, bool singleton = false, string secret = "multi-process-secret")
    {
        string[] args = [secret, "postgres", PostgresTestDatabase.ConnectionString, port.ToString(CultureInfo.InvariantCulture)];
        if (singleton) args = [.. args, ActivationsDirectory];
        var host = NodeProcess.Start(name, NodeProcess.SiblingDll("Pipeline.Cluster.TestHost"), [Name, .. args]);
        _hosts.Add(host);
        return host;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var host in _hosts) await host.DisposeAsync();
        Directory.Delete(ActivationsDirectory, recursive: true);
    }
}
