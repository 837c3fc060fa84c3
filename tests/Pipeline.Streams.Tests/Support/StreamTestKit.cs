using Pipeline.TestKit;
using Xunit.Abstractions;

namespace Pipeline.Streams.Tests.Support;

/// <summary>Actor test kit plus a materializer per test, and deadline helpers for stream tasks.</summary>
public abstract class StreamTestKit(ITestOutputHelper? output = null) : ActorTestKit(output)
{
    private Materializer? _materializer;

    protected Materializer Mat => _materializer ??= Sys.Materializer();

    protected static async Task<T> Within<T>(Task<T> task, double seconds = 5)
        => await task.WaitAsync(TestTimeouts.Dilated(TimeSpan.FromSeconds(seconds)));

    protected static async Task Within(Task task, double seconds = 5)
        => await task.WaitAsync(TestTimeouts.Dilated(TimeSpan.FromSeconds(seconds)));
}
