using Pipeline.Cluster.Addressing;
using Pipeline.Cluster.FailureDetection;
using Pipeline.Cluster.Tests.Support;
using Pipeline.Cluster.Wire.Protocol;

namespace Pipeline.Cluster.Tests.FailureDetection;

public sealed class PhiAccrualFailureDetectorTests
{
    [Fact]
    public void Phi_follows_the_logistic_approximation_of_the_normal_tail()
    {
        // at the mean the tail probability is 1/2: phi = log10(2)
        Assert.Equal(Math.Log10(2), PhiAccrualFailureDetector.ComputePhi(1000, 1000, 100), 3);
        // one and three deviations above the mean: P ≈ 0.1587 and 0.00135 for the normal distribution
        Assert.Equal(-Math.Log10(0.1587), PhiAccrualFailureDetector.ComputePhi(1100, 1000, 100), 1);
        Assert.Equal(-Math.Log10(0.00135), PhiAccrualFailureDetector.ComputePhi(1300, 1000, 100), 1);
        // phi grows monotonically with the silence
        var values = Enumerable.Range(0, 30).Select(i => PhiAccrualFailureDetector.ComputePhi(i * 100, 1000, 200)).ToArray();
        Assert.True(values.Zip(values.Skip(1)).All(p => p.Second >= p.First));
    }

    [Fact]
    public void Regular_heartbeats_keep_a_node_available_and_silence_makes_it_unavailable_after_the_acceptable_pause()
    {
        var clock = new ManualTimeProvider();
        var detector = new PhiAccrualFailureDetector(new FailureDetectorSettings(), clock);
        Assert.True(detector.IsAvailable);
        Assert.False(detector.IsMonitoring);
        for (var i = 0; i < 20; i++)
        {
            detector.Heartbeat();
            clock.Advance(TimeSpan.FromSeconds(1));
            Assert.True(detector.IsAvailable);
        }
        // mean 1 s + 3 s acceptable pause, deviation floor 100 ms: phi stays low until ~4 s of silence, then rises fast
        clock.Advance(TimeSpan.FromSeconds(2)); // 3 s since the last heartbeat
        Assert.True(detector.IsAvailable, $"phi {detector.Phi} after 3 s");
        clock.Advance(TimeSpan.FromSeconds(2)); // 5 s
        Assert.False(detector.IsAvailable, $"phi {detector.Phi} after 5 s");
        detector.Heartbeat();
        Assert.True(detector.IsAvailable);
    }

    [Fact]
    public void Phi_matches_a_hand_computation_with_the_bootstrap_statistics()
    {
        var clock = new ManualTimeProvider();
        var settings = new FailureDetectorSettings { AcceptableHeartbeatPause = TimeSpan.Zero, MinStdDeviation = TimeSpan.FromMilliseconds(1) };
        var detector = new PhiAccrualFailureDetector(settings, clock);
        detector.Heartbeat(); // history: 750 and 1250 ms → mean 1000, deviation 250
        clock.Advance(TimeSpan.FromMilliseconds(1500));
        Assert.Equal(PhiAccrualFailureDetector.ComputePhi(1500, 1000, 250), detector.Phi, 6);
    }

    [Fact]
    public void Invalid_settings_are_rejected_with_the_setting_named()
    {
        var error = Assert.Throws<ArgumentException>(() => new PhiAccrualFailureDetector(new FailureDetectorSettings { Threshold = 0 }));
        Assert.Contains("Threshold", error.Message);
    }

    private sealed class Recorder : IHeartbeatSender, IReachabilityObserver
    {
        public List<(UniqueAddress To, long Sequence)> Sent { get; } = [];
        public List<(UniqueAddress Node, bool Reachable)> Changes { get; } = [];

        public bool SendHeartbeat(UniqueAddress to, Heartbeat heartbeat)
        {
            Sent.Add((to, heartbeat.Sequence));
            return true;
        }

        public void OnUnreachable(UniqueAddress node) => Changes.Add((node, false));

        public void OnReachable(UniqueAddress node) => Changes.Add((node, true));
    }

    [Fact]
    public void The_monitor_reports_a_silent_node_unreachable_and_then_reachable_again()
    {
        var clock = new ManualTimeProvider();
        var recorder = new Recorder();
        var monitor = new HeartbeatMonitor(new FailureDetectorSettings(), recorder, recorder, clock);
        var alive = new UniqueAddress(new NodeAddress("s", "127.0.0.1", 1), 1);
        var silent = new UniqueAddress(new NodeAddress("s", "127.0.0.1", 2), 2);
        monitor.Monitor(alive);
        monitor.Monitor(silent);

        for (var second = 0; second < 12; second++)
        {
            monitor.Tick();
            monitor.OnHeartbeatResponse(alive);
            clock.Advance(TimeSpan.FromSeconds(1));
        }

        Assert.Equal(24, recorder.Sent.Count);
        Assert.Equal([(silent, false)], recorder.Changes);

        monitor.OnHeartbeatResponse(silent);
        monitor.Tick();
        Assert.Equal([(silent, false), (silent, true)], recorder.Changes);
    }
}
