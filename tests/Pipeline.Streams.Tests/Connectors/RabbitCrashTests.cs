using System.Globalization;
using Pipeline.Streams.Connectors.RabbitMq;
using Pipeline.Streams.Dsl;
using Pipeline.Streams.Offsets;
using Pipeline.Streams.Tests.Support;
using Pipeline.TestKit;

namespace Pipeline.Streams.Tests.Connectors;

public sealed class RabbitCrashTests : StreamTestKit
{
    [Fact]
    public async Task A_consumer_process_killed_with_SIGKILL_resumes_from_the_committed_offset_and_loses_nothing()
    {
        var stream = RabbitMqFixture.NewStreamName();
        const int total = 1500;
        await Source.From(Enumerable.Range(0, total).Select(i => new Order(i, "k")))
            .RunWith(RabbitStreamSink.Json<Order>(new RabbitStreamSinkSettings(RabbitMqFixture.Uri, stream) { BatchSize = 500 }), Mat)
            .WaitAsync(TimeSpan.FromSeconds(30));
        var offsetsDir = Directory.CreateTempSubdirectory("pipeline-crash-offsets-").FullName;
        string[] Args() => [RabbitMqFixture.Uri.ToString(), stream, offsetsDir, (total - 1).ToString(CultureInfo.InvariantCulture), "500"];

        long[] first;
        using (var host = CrashHostProcess.Start(Args()))
        {
            await AwaitHelpers.AwaitConditionAsync(() => host.Processed.Length >= 300, TestTimeouts.Dilated(TimeSpan.FromSeconds(30)),
                "the crash host did not process 300 records in time");
            await host.KillAsync();
            first = host.Processed;
            Assert.True(first.Length < total, $"the host finished before it was killed: {host.Errors}");
        }
        var committed = await new FileOffsetStore(offsetsDir).LoadAsync("rabbitmq:" + stream);
        Assert.NotNull(committed);
        Assert.InRange(committed!.Value, 99, first.Max()); // commits never run ahead of processing

        long[] second;
        using (var host = CrashHostProcess.Start(Args()))
        {
            await host.Done.WaitAsync(TestTimeouts.Dilated(TimeSpan.FromSeconds(60)));
            second = host.Processed;
        }
        Assert.Equal(committed.Value + 1, second[0]);                                   // resumed right after the commit
        Assert.Equal(Enumerable.Range(0, total).Select(i => (long)i), first.Concat(second).Distinct().Order()); // nothing lost
        Assert.All(first.Intersect(second), d => Assert.True(d > committed.Value, $"offset {d} was committed yet processed again"));
        Assert.Equal(first, first.Order());
        Assert.Equal(second, second.Order());                                           // order per source preserved
    }
}
