namespace Pipeline.Cluster.FailureDetection;

/// <summary>A sliding window of heartbeat intervals (milliseconds) with running sums for mean and variance.</summary>
internal sealed class HeartbeatHistory
{
    private readonly double[] _intervals;
    private int _next;
    private int _count;
    private double _sum;
    private double _squaredSum;

    public HeartbeatHistory(int maxSampleSize) => _intervals = new double[maxSampleSize];

    public int Count => _count;

    public double Mean => _sum / _count;

    public double Variance => Math.Max(0, _squaredSum / _count - Mean * Mean);

    public double StdDeviation => Math.Sqrt(Variance);

    public void Add(double interval)
    {
        if (_count == _intervals.Length)
        {
            var evicted = _intervals[_next];
            _sum -= evicted;
            _squaredSum -= evicted * evicted;
        }
        else
        {
            _count++;
        }
        _intervals[_next] = interval;
        _next = (_next + 1) % _intervals.Length;
        _sum += interval;
        _squaredSum += interval * interval;
    }
}
