using Pipeline.Cluster.Membership;
using Pipeline.Cluster.PubSub;
using Pipeline.Cluster.Tests.Remoting;
using Pipeline.Cluster.Tests.Support;
using Pipeline.Runtime.Actors;
using Pipeline.Runtime.Patterns;

namespace Pipeline.Cluster.Tests.PubSub;

/// <summary>Cluster-wide topics across three actor systems of one cluster.</summary>
public sealed class TopicMediatorTests(Xunit.Abstractions.ITestOutputHelper output) : IAsyncLifetime
{
    private readonly ClusterSystems _cluster = new(output);

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _cluster.DisposeAsync();

    [Fact]
    public async Task A_publication_reaches_the_subscribers_of_its_topic_on_every_node_and_only_them()
    {
        var (a, clusterA) = await _cluster.StartAsync();
        var (b, clusterB) = await _cluster.StartAsync();
        var (c, clusterC) = await _cluster.StartAsync();
        await Eventually.True(() => clusterA.Members.Count(m => m.Status == MemberStatus.Up) == 3, "a sees three members up");
        var onA = new Inbox(a, "sub-a");
        var onB = new Inbox(b, "sub-b");
        var onC = new Inbox(c, "sub-c");
        var otherTopic = new Inbox(c, "other");
        var publisher = new Inbox(a, "publisher");
        await clusterA.PubSubMediator.Ask<SubscribeAck>(new Subscribe("models", onA.Ref), TimeSpan.FromSeconds(10));
        await clusterB.PubSubMediator.Ask<SubscribeAck>(new Subscribe("models", onB.Ref), TimeSpan.FromSeconds(10));
        await clusterC.PubSubMediator.Ask<SubscribeAck>(new Subscribe("models", onC.Ref), TimeSpan.FromSeconds(10));
        await clusterC.PubSubMediator.Ask<SubscribeAck>(new Subscribe("metrics", otherTopic.Ref), TimeSpan.FromSeconds(10));

        clusterA.PubSubMediator.Tell(new Publish("models", new Ping("v2")), publisher.Ref);

        foreach (var inbox in new[] { onA, onB, onC })
        {
            Assert.Equal(new Ping("v2"), await inbox.ExpectAsync<Ping>());
            Assert.Equal(publisher.Ref.Path.Name, inbox.LastSender!.Path.Name);
        }
        await otherTopic.ExpectNothingAsync(TimeSpan.FromMilliseconds(300));

        await clusterB.PubSubMediator.Ask<UnsubscribeAck>(new Unsubscribe("models", onB.Ref), TimeSpan.FromSeconds(10));
        c.Stop(onC.Ref);
        clusterA.PubSubMediator.Tell(new Publish("models", new Ping("v3")), publisher.Ref);

        Assert.Equal(new Ping("v3"), await onA.ExpectAsync<Ping>());
        await onB.ExpectNothingAsync(TimeSpan.FromMilliseconds(500));
    }
}
