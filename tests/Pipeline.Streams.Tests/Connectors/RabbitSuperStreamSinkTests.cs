using System.Text;
using Pipeline.Streams.Connectors.RabbitMq;
using Pipeline.Streams.Dsl;
using Pipeline.Streams.Offsets;
using Pipeline.Streams.Quarantine;
using Pipeline.Streams.Tests.Support;

namespace Pipeline.Streams.Tests.Connectors;

public sealed class SuperStreamRoutingTests
{
    [Theory]
    [InlineData("", 0u, 0u)]
    [InlineData("hello", 0u, 0x248bfa47u)]
    [InlineData("The quick brown fox jumps over the lazy dog", 0u, 0x2e4ff723u)]
    public void Murmur3_matches_the_reference_vectors(string text, uint seed, uint expected)
        => Assert.Equal(expected, SuperStreamRouting.Murmur3(Encoding.UTF8.GetBytes(text), seed));

    [Fact]
    public void Partitions_are_stable_in_range_and_spread()
    {
        var partitions = Enumerable.Range(0, 1000).Select(i => SuperStreamRouting.PartitionOf("customer-" + i, 3)).ToList();
        Assert.All(partitions, p => Assert.InRange(p, 0, 2));
        Assert.All(Enumerable.Range(0, 3), p => Assert.InRange(partitions.Count(x => x == p), 250, 420));
        Assert.Equal(partitions, Enumerable.Range(0, 1000).Select(i => SuperStreamRouting.PartitionOf("customer-" + i, 3)));
    }
}

public sealed class RabbitSuperStreamSinkTests : StreamTestKit
{
    [Fact]
    public async Task Records_land_on_the_partition_of_their_key_in_order_and_the_super_stream_source_reads_them_all()
    {
        var super = RabbitMqFixture.NewStreamName();
        const int partitions = 3;
        var orders = Enumerable.Range(0, 600).Select(i => new Order(i, "customer-" + (i % 13))).ToList();

        await Within(Source.From(orders).RunWith(
            RabbitSuperStreamSink.Json<Order>(new RabbitStreamSinkSettings(RabbitMqFixture.Uri, super) { BatchSize = 100 }, partitions, o => o.Customer), Mat), 30);

        // each partition stream holds exactly the records whose key hashes to it, in publish order
        for (var p = 0; p < partitions; p++)
        {
            var expected = orders.Where(o => SuperStreamRouting.PartitionOf(o.Customer, partitions) == p).Select(o => o.Id).ToList();
            Assert.NotEmpty(expected);
            var settings = new RabbitStreamSourceSettings(RabbitMqFixture.Uri, RabbitSuperStreamSource.PartitionName(super, p)) { DeclareStream = false };
            var read = await Within(RabbitStreamSource.Json<Order>(settings, new InMemoryOffsetStore(), new ChannelQuarantine())
                .Take(expected.Count).Select(r => r.Value.Id).RunToList(Mat), 30);
            Assert.Equal(expected, read);
        }

        // and the merged super-stream source reads all of them, in order per key
        var all = await Within(RabbitSuperStreamSource.Json<Order>(RabbitMqFixture.Uri, super, partitions, new InMemoryOffsetStore(), new ChannelQuarantine())
            .Take(orders.Count).Select(r => r.Value).RunToList(Mat), 30);
        Assert.Equal(orders.Select(o => o.Id).Order(), all.Select(o => o.Id).Order());
        foreach (var group in all.GroupBy(o => o.Customer))
            Assert.Equal(group.Select(o => o.Id).Order(), group.Select(o => o.Id));
    }
}
