using System.Net;
using System.Text;
using Pipeline.Streams.Connectors.Http;
using Pipeline.Streams.Dsl;
using Pipeline.Streams.Quarantine;
using Pipeline.Streams.Tests.Support;

namespace Pipeline.Streams.Tests.Connectors;

public sealed class HttpIngestTests : StreamTestKit
{
    private static readonly HttpClient Client = new();

    private static StringContent Ndjson(params string[] lines) => new(string.Join("\n", lines), Encoding.UTF8, "application/x-ndjson");

    [Fact]
    public async Task The_endpoint_answers_429_when_the_stream_is_backpressured_and_accepts_again_afterwards()
    {
        var quarantine = new ChannelQuarantine();
        var (binding, probe) = HttpIngest.Source<Reading>(new HttpIngestSettings { BufferSize = 4 }, quarantine)
            .ToMat(ProbeSink<Reading>.Create(), Keep.Both).Run(Mat);
        await using var _ = binding;
        var url = await Within(binding.Address);
        Assert.Equal("127.0.0.1", url.Host);

        var first = await Client.PostAsync(url, Ndjson("""{"sensor":"a","value":1}""", """{"sensor":"b","value":2}""", """{"sensor":"c","value":3}"""));
        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        var full = await Client.PostAsync(url, Ndjson("""{"sensor":"d","value":4}""", """{"sensor":"e","value":5}"""));
        Assert.Equal(HttpStatusCode.TooManyRequests, full.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(1), full.Headers.RetryAfter?.Delta);

        probe.Request(3);
        Assert.Equal(["a", "b", "c"], (await probe.ExpectNextNAsync(3)).Select(r => r.Sensor));
        await TestKit.AwaitHelpers.AwaitAssertAsync(async () =>
        {
            var again = await Client.PostAsync(url, Ndjson("""{"sensor":"d","value":4}""", """{"sensor":"e","value":5}"""));
            Assert.Equal(HttpStatusCode.Accepted, again.StatusCode);
        });
        probe.Request(2);
        Assert.Equal(["d", "e"], (await probe.ExpectNextNAsync(2)).Select(r => r.Sensor));
        Assert.Equal(1, binding.Counters.RejectedRequests);
        Assert.Equal(5, binding.Counters.AcceptedRecords);
    }

    [Fact]
    public async Task Json_arrays_are_accepted_bad_ndjson_lines_are_quarantined_and_big_bodies_get_413()
    {
        var quarantine = new ChannelQuarantine();
        var (binding, probe) = HttpIngest.Source<Reading>(new HttpIngestSettings { BufferSize = 100, MaxBodyBytes = 200 }, quarantine)
            .ToMat(ProbeSink<Reading>.Create(), Keep.Both).Run(Mat);
        await using var _ = binding;
        var url = await Within(binding.Address);
        probe.Request(100);

        var array = await Client.PostAsync(url, new StringContent("""[{"sensor":"a","value":1},{"sensor":"b","value":2}]""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Accepted, array.StatusCode);
        Assert.Equal(["a", "b"], (await probe.ExpectNextNAsync(2)).Select(r => r.Sensor));

        var mixed = await Client.PostAsync(url, Ndjson("""{"sensor":"c","value":3}""", "{oops", """{"sensor":"d","value":4}"""));
        Assert.Equal(HttpStatusCode.Accepted, mixed.StatusCode);
        Assert.Contains("\"quarantined\":1", await mixed.Content.ReadAsStringAsync());
        Assert.Equal(["c", "d"], (await probe.ExpectNextNAsync(2)).Select(r => r.Sensor));

        var broken = await Client.PostAsync(url, new StringContent("[{\"sensor\":", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, broken.StatusCode);

        var big = await Client.PostAsync(url, Ndjson(Enumerable.Repeat("""{"sensor":"x","value":1}""", 20).ToArray()));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, big.StatusCode);

        var bad = quarantine.Drain();
        Assert.Equal(3, bad.Count);
        Assert.Equal("request 2 line 2", bad[0].Position);
        Assert.StartsWith("bad JSON", bad[0].Reason);
        Assert.Equal("request 3 body", bad[1].Position);
        Assert.Contains("over the limit of 200 bytes", bad[2].Reason);
        Assert.Equal(3, binding.Counters.QuarantinedRecords);
    }
}
