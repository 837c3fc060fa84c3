using Pipeline.Runtime.Actors;
using Pipeline.TestKit;

namespace Pipeline.Runtime.Tests.Actors;

public sealed class SelectionTests : ActorTestKit
{
    private sealed class Tree(IActorRef probe) : ActorBase
    {
        protected override void PreStart()
        {
            foreach (var n in new[] { "source-1", "source-2", "sink" })
                Context.ActorOf(Props.Create(() => new ReportingActor(probe, "-" + n)), n);
        }

        protected override bool Receive(object message) => true;
    }

    private async Task<TestProbe> BuildTree()
    {
        var probe = CreateTestProbe();
        Sys.ActorOf(Props.Create(() => new Tree(probe.Ref)), "ingest");
        await probe.ReceiveNAsync(3);
        return probe;
    }

    [Fact]
    public async Task Wildcards_reach_every_matching_child()
    {
        var probe = await BuildTree();
        Sys.ActorSelection("/user/ingest/source-*").Tell("hello");
        await probe.ExpectMsgAsync("hello");
        await probe.ExpectMsgAsync("hello");
        await probe.ExpectNoMsgAsync();
        Sys.ActorSelection("/user/ingest/s?nk").Tell("sink only");
        await probe.ExpectMsgAsync("sink only");
        Assert.Equal("/user/ingest/sink", probe.LastSender!.Path.ToStringWithoutAddress());
    }

    [Fact]
    public async Task ResolveOne_finds_the_actor_or_fails_clearly()
    {
        await BuildTree();
        var sink = await Sys.ActorSelection("/user/ingest/sink").ResolveOne(TimeSpan.FromSeconds(3));
        Assert.Equal("sink", sink.Path.Name);
        var e = await Assert.ThrowsAsync<ActorNotFoundException>(() => Sys.ActorSelection("/user/ingest/nothing").ResolveOne(TimeSpan.FromSeconds(3)));
        Assert.Contains("nothing", e.Message);
    }

    [Fact]
    public async Task Full_paths_resolve_to_the_same_actor()
    {
        await BuildTree();
        var sink = await Sys.ActorSelection("/user/ingest/sink").ResolveOne(TimeSpan.FromSeconds(3));
        Assert.Same(sink, Sys.Resolve(Sys.ToSerializationFormat(sink)));
        var missing = Sys.Resolve(sink.Path.Parent.Child("ghost").ToString());
        Assert.Equal("ghost", missing.Path.Name);
    }

    [Theory]
    [InlineData("*", "anything", true)]
    [InlineData("source-*", "source-12", true)]
    [InlineData("source-*", "sink", false)]
    [InlineData("s?nk", "sink", true)]
    [InlineData("s?nk", "stink", false)]
    [InlineData("*-1", "source-1", true)]
    public void Glob_matching(string pattern, string name, bool expected) => Assert.Equal(expected, ActorSelection.Matches(pattern, name));
}
