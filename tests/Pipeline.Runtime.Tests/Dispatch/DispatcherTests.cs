using Pipeline.Runtime.Actors;
using Pipeline.Runtime.Dispatch;
using Pipeline.TestKit;

namespace Pipeline.Runtime.Tests.Dispatch;

public sealed class DispatcherTests : ActorTestKit
{
    [Fact]
    public async Task Pinned_dispatcher_runs_an_actor_always_on_its_own_thread()
    {
        var actor = Sys.ActorOf(Props.Create(() => new ThreadReporter()).WithDispatcher(Dispatchers.PinnedDispatcherId));
        var other = Sys.ActorOf(Props.Create(() => new ThreadReporter()).WithDispatcher(Dispatchers.PinnedDispatcherId));
        var ids = new HashSet<int>();
        for (var i = 0; i < 50; i++)
        {
            TestActor.Send(actor, "id");
            ids.Add(await TestActor.ExpectMsgAsync<int>());
            await Task.Yield();
        }
        Assert.Single(ids);
        TestActor.Send(other, "id");
        Assert.DoesNotContain(await TestActor.ExpectMsgAsync<int>(), ids);
    }

    [Theory]
    [InlineData(1, 100, 110)]
    [InlineData(10, 10, 20)]
    public async Task Throughput_bounds_the_messages_per_turn(int throughput, int minTurns, int maxTurns)
    {
        var dispatcher = new CountingDispatcher("counting-" + throughput, throughput);
        Sys.Dispatchers.Register(dispatcher);
        var gate = new TaskCompletionSource();
        var a = Sys.ActorOf(Props.Create(() => new GatedCounter(gate.Task)).WithDispatcher(dispatcher.Id));
        a.Tell("wait");
        await AwaitHelpers.AwaitConditionAsync(() => ((ActorCell)a).Mailbox.NumberOfMessages == 0);
        for (var i = 0; i < 100; i++) a.Tell(i);
        var before = dispatcher.Turns;
        gate.SetResult();
        TestActor.Send(a, "report");
        Assert.Equal(100, await TestActor.ExpectMsgAsync<int>());
        var turns = dispatcher.Turns - before;
        Assert.InRange(turns, minTurns, maxTurns);
    }

    [Fact]
    public async Task A_busy_actor_yields_to_the_shared_queue_every_eighth_turn()
    {
        var dispatcher = new CountingDispatcher("fair-counting", 1);
        Sys.Dispatchers.Register(dispatcher);
        var gate = new TaskCompletionSource();
        var a = Sys.ActorOf(Props.Create(() => new GatedCounter(gate.Task)).WithDispatcher(dispatcher.Id));
        a.Tell("wait");
        await AwaitHelpers.AwaitConditionAsync(() => ((ActorCell)a).Mailbox.NumberOfMessages == 0);
        for (var i = 0; i < 160; i++) a.Tell(i);
        gate.SetResult();
        TestActor.Send(a, "report");
        Assert.Equal(160, await TestActor.ExpectMsgAsync<int>());
        // 160 busy turns in a row: one in eight went to the back of the shared queue.
        Assert.InRange(dispatcher.FairTurns, 19, 21);
    }

    private sealed class CountingDispatcher(string id, int throughput) : MessageDispatcher(id, throughput)
    {
        private int _turns;
        private int _fairTurns;

        public int Turns => Volatile.Read(ref _turns);

        public int FairTurns => Volatile.Read(ref _fairTurns);

        internal override void ExecuteFair(Mailbox mailbox)
        {
            Interlocked.Increment(ref _fairTurns);
            Execute(mailbox);
        }

        internal override void Execute(Mailbox mailbox)
        {
            Interlocked.Increment(ref _turns);
            ThreadPool.UnsafeQueueUserWorkItem(mailbox, preferLocal: false);
        }
    }

    private sealed class GatedCounter : ReceiveActor
    {
        private int _count;

        public GatedCounter(Task gate)
        {
            ReceiveAsync<string>(async _ => await gate, s => s == "wait");
            Receive<string>(s => s == "report", _ => Reply(_count));
            Receive<int>(_ => _count++);
        }
    }

    [Fact]
    public void Unknown_dispatcher_is_reported_with_the_known_ones()
    {
        var e = Assert.Throws<ArgumentException>(() => Sys.ActorOf(Props.Create(() => new ThreadReporter()).WithDispatcher("gpu")));
        Assert.Contains("gpu", e.Message);
        Assert.Contains("pinned", e.Message);
    }

    private sealed class ThreadReporter : ActorBase
    {
        protected override bool Receive(object message)
        {
            Reply(Environment.CurrentManagedThreadId);
            return true;
        }
    }
}
