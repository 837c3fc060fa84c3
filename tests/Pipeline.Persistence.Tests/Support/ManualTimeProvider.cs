using System.Diagnostics;

namespace Pipeline.Persistence.Tests.Support;

/// <summary>The real monotonic clock plus an offset the test can jump forward, so breaker reset timeouts need no real waiting.</summary>
internal sealed class ManualTimeProvider : TimeProvider
{
    private long _offset;

    public override long TimestampFrequency => Stopwatch.Frequency;

    public override long GetTimestamp() => Stopwatch.GetTimestamp() + Interlocked.Read(ref _offset);

    public void Advance(TimeSpan by) => Interlocked.Add(ref _offset, (long)(by.TotalSeconds * Stopwatch.Frequency));
}
