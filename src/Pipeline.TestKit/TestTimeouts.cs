namespace Pipeline.TestKit;

/// <summary>
/// Default deadlines of the TestKit, scaled by the environment variable PIPELINE_TEST_TIME_FACTOR (e.g. 3 on a
/// slow CI machine), so that tests wait generously where machines are slow without changing a line.
/// </summary>
public static class TestTimeouts
{
    /// <summary>The factor read from PIPELINE_TEST_TIME_FACTOR (1 when unset or invalid).</summary>
    public static double Factor { get; } =
        double.TryParse(Environment.GetEnvironmentVariable("PIPELINE_TEST_TIME_FACTOR"), System.Globalization.CultureInfo.InvariantCulture, out var f) && f > 0 ? f : 1.0;

    /// <summary>The default deadline of an expectation (3 s, dilated).</summary>
    public static TimeSpan Default => Dilated(TimeSpan.FromSeconds(3));

    /// <summary>Scales a duration by <see cref="Factor"/>.</summary>
    public static TimeSpan Dilated(TimeSpan duration) => TimeSpan.FromTicks((long)(duration.Ticks * Factor));
}
