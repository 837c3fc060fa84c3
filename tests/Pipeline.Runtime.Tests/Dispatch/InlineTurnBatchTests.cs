using System.Collections.Concurrent;
using Pipeline.Runtime.Actors;
using Pipeline.Runtime.Dispatch;
using Pipeline.TestKit;

namespace Pipeline.Runtime.Tests.Dispatch;

/// <summary>
/// A thread that delivers a burst of messages (a remoting reader) may claim the turns of the idle actors it
/// wakes and run them itself: in order, within a time budget, never for actors whose dispatcher owns its threads,
/// and handing the rest to the dispatchers when another thread abandons a batch held up by a blocking turn.
/// </summary>
public sealed class InlineTurnBatchTests : ActorTestKit
{
    /// <summary>Records each number with the thread that processed it; "block" holds its thread until the gate opens.</summary>
    private sealed class ThreadRecorder(ConcurrentQueue<(int Value, int Thread)> seen, ManualResetEventSlim? gate = null, TaskCompletionSource? entered = null) : ActorBase
    {
        protected override bool Receive(object message)
        {
            switch (message)
            {
                case int n:
                    seen.Enqueue((n, Environment.CurrentManagedThreadId));
                    return true;
                case "block":
                    entered?.TrySetResult();
                    SpinWait.SpinUntil(() => gate!.IsSet, TimeSpan.FromMinutes(1));
                    return true;
                case "ping":
                    Sender.Tell("pong");
                    return true;
                default:
                    return false;
            }
        }
    }

    private async Task<IActorRef> StartIdleAsync(Props props)
    {
        var actor = Sys.ActorOf(props);
        var probe = CreateTestProbe();
        actor.Tell("ping", probe.Ref);
        await probe.ExpectMsgAsync("pong");
        // the turn that answered has ended: nothing is scheduled, so the next message can be claimed
        Assert.True(SpinWait.SpinUntil(() => ((ActorCell)actor).Mailbox.IsIdle, TimeSpan.FromSeconds(10)));
        return actor;
    }

    private static async Task<(int Value, int Thread)[]> WaitForAsync(ConcurrentQueue<(int Value, int Thread)> seen, int count)
    {
        var deadline = DateTime.UtcNow + TestTimeouts.Dilated(TimeSpan.FromSeconds(10));
        while (seen.Count < count && DateTime.UtcNow < deadline) await Task.Delay(5);
        return [.. seen];
    }

    [Fact]
    public async Task An_idle_actor_told_through_a_batch_runs_its_turn_on_the_thread_that_runs_the_batch_in_order()
    {
        var seen = new ConcurrentQueue<(int Value, int Thread)>();
        var actor = await StartIdleAsync(Props.Create(() => new ThreadRecorder(seen, null, null)));
        var batch = new InlineTurnBatch(TimeSpan.FromSeconds(1));

        for (var i = 1; i <= 3; i++) batch.Tell(actor, i, null);
        Assert.Equal(1, batch.Count); // claimed once, however many messages
        Assert.Empty(seen); // nothing ran yet: the turn waits for the batch

        Assert.True(batch.Run());
        Assert.Equal([(1, Environment.CurrentManagedThreadId), (2, Environment.CurrentManagedThreadId), (3, Environment.CurrentManagedThreadId)], seen.ToArray());
        Assert.Equal(1, batch.TurnsRun);
        Assert.Equal(0, batch.Count);
    }

    [Fact]
    public async Task An_actor_on_a_dispatcher_that_owns_its_thread_is_never_claimed()
    {
        var seen = new ConcurrentQueue<(int Value, int Thread)>();
        var actor = await StartIdleAsync(Props.Create(() => new ThreadRecorder(seen, null, null)).WithDispatcher(Dispatchers.PinnedDispatcherId));
        var batch = new InlineTurnBatch(TimeSpan.FromSeconds(1));

        var caller = Environment.CurrentManagedThreadId;
        batch.Tell(actor, 1, null);

        Assert.Equal(0, batch.Count);
        var done = await WaitForAsync(seen, 1);
        Assert.Equal(1, done.Single().Value);
        Assert.NotEqual(caller, done.Single().Thread);
    }

    [Fact]
    public async Task A_zero_budget_claims_nothing()
    {
        var seen = new ConcurrentQueue<(int Value, int Thread)>();
        var actor = await StartIdleAsync(Props.Create(() => new ThreadRecorder(seen, null, null)));
        var batch = new InlineTurnBatch(TimeSpan.Zero);

        batch.Tell(actor, 1, null);

        Assert.Equal(0, batch.Count);
        Assert.Equal(1, (await WaitForAsync(seen, 1)).Single().Value);
    }

    [Fact]
    public async Task Once_the_budget_is_spent_the_rest_of_the_backlog_runs_on_the_dispatcher_still_in_order()
    {
        Sys.Dispatchers.Register(new ThreadPoolDispatcher("one-per-turn", throughput: 1));
        var seen = new ConcurrentQueue<(int Value, int Thread)>();
        var actor = await StartIdleAsync(Props.Create(() => new ThreadRecorder(seen, null, null)).WithDispatcher("one-per-turn"));
        var batch = new InlineTurnBatch(TimeSpan.FromTicks(1));

        for (var i = 1; i <= 50; i++) batch.Tell(actor, i, null);
        var runner = Environment.CurrentManagedThreadId;
        Assert.True(batch.Run());

        var done = await WaitForAsync(seen, 50);
        Assert.Equal(Enumerable.Range(1, 50), done.Select(d => d.Value));
        Assert.Equal(runner, done[0].Thread); // one turn of one message ran here
        Assert.Equal(1, batch.TurnsRun);
    }

    [Fact]
    public async Task Abandoning_a_batch_held_by_a_blocking_turn_hands_the_other_actors_to_the_dispatcher()
    {
        using var gate = new ManualResetEventSlim();
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var blockerSeen = new ConcurrentQueue<(int Value, int Thread)>();
        var otherSeen = new ConcurrentQueue<(int Value, int Thread)>();
        var blocker = await StartIdleAsync(Props.Create(() => new ThreadRecorder(blockerSeen, gate, entered)));
        var other = await StartIdleAsync(Props.Create(() => new ThreadRecorder(otherSeen, null, null)));
        var batch = new InlineTurnBatch(TimeSpan.FromSeconds(1));
        batch.Tell(blocker, "block", null);
        batch.Tell(other, 7, null);
        Assert.Equal(2, batch.Count);
        Assert.False(batch.TryAbandon(TimeSpan.Zero)); // not running: nothing to abandon

        var run = Task.Factory.StartNew(batch.Run, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        await entered.Task.WaitAsync(TestTimeouts.Dilated(TimeSpan.FromSeconds(10)));
        Assert.False(batch.TryAbandon(TimeSpan.FromMinutes(5))); // not held long enough yet
        Assert.Equal(blocker.Path, batch.CurrentActor);
        Assert.Empty(otherSeen); // waits behind the blocker in the batch

        Assert.True(batch.TryAbandon(TimeSpan.Zero));
        Assert.Equal(7, (await WaitForAsync(otherSeen, 1)).Single().Value); // ran on the dispatcher meanwhile
        Assert.False(run.IsCompleted);

        gate.Set();
        Assert.False(await run.WaitAsync(TestTimeouts.Dilated(TimeSpan.FromSeconds(10)))); // the delivering thread learns it was replaced
        blocker.Tell(8);
        Assert.Equal(8, (await WaitForAsync(blockerSeen, 1)).Single().Value); // the blocker goes on normally
    }

    /// <summary>
    /// Records the numbers it processes. Throws on <c>failOn</c> (restarted by its parent), stops itself after
    /// <c>stopAfter</c>; with <c>gated</c> it stashes numbers until "open", then unstashes and passes them through.
    /// </summary>
    private sealed class Scripted : ReceiveActor
    {
        public Scripted(ConcurrentQueue<int> seen, int failOn = -1, int stopAfter = -1, bool gated = false)
        {
            if (gated)
            {
                Receive<int>(_ => Stash.Stash());
                Receive<string>(s => s == "open", _ =>
                {
                    Become(() => Receive<int>(n => Record(seen, n, failOn, stopAfter)));
                    Stash.UnstashAll();
                });
            }
            else
            {
                Receive<int>(n => Record(seen, n, failOn, stopAfter));
            }
            Receive<string>(s => s == "ping", _ => Sender.Tell("pong"));
        }

        private void Record(ConcurrentQueue<int> seen, int n, int failOn, int stopAfter)
        {
            if (n == failOn) throw new InvalidOperationException($"fails on {n}");
            seen.Enqueue(n);
            if (seen.Count == stopAfter) Context.Stop(Self);
        }
    }

    private static async Task<int[]> WaitForAsync(ConcurrentQueue<int> seen, int count)
    {
        var deadline = DateTime.UtcNow + TestTimeouts.Dilated(TimeSpan.FromSeconds(10));
        while (seen.Count < count && DateTime.UtcNow < deadline) await Task.Delay(5);
        return [.. seen];
    }

    [Fact]
    public async Task Twenty_actors_told_in_turn_through_one_batch_each_get_their_messages_in_order()
    {
        // more actors than the batch looks back through for the ones whose messages it holds: later messages to
        // those go to their mailboxes' queues, behind the held ones
        var seen = Enumerable.Range(0, 20).Select(_ => new ConcurrentQueue<int>()).ToArray();
        var actors = new IActorRef[20];
        for (var a = 0; a < 20; a++)
        {
            var mine = seen[a];
            actors[a] = await StartIdleAsync(Props.Create(() => new Scripted(mine, -1, -1, false)));
        }
        var batch = new InlineTurnBatch(TimeSpan.FromSeconds(1));

        for (var i = 0; i < 50; i++)
            for (var a = 0; a < 20; a++) batch.Tell(actors[a], i, null);
        Assert.Equal(20, batch.Count);
        Assert.True(batch.Run());

        foreach (var queue in seen) Assert.Equal(Enumerable.Range(0, 50), await WaitForAsync(queue, 50));
    }

    [Fact]
    public async Task Messages_other_threads_send_while_a_batch_holds_an_actor_all_arrive_and_each_senders_order_holds()
    {
        var seen = new ConcurrentQueue<int>();
        var actor = await StartIdleAsync(Props.Create(() => new Scripted(seen, -1, -1, false)));
        var batch = new InlineTurnBatch(TimeSpan.FromSeconds(1));

        for (var i = 0; i < 1_000; i++) batch.Tell(actor, i, null); // held by the batch
        var other = Task.Run(() =>
        {
            for (var i = 1_000; i < 2_000; i++) actor.Tell(i); // queued: the batch holds the actor's turn
        });
        await other;
        for (var i = 2_000; i < 3_000; i++) batch.Tell(actor, i, null);
        Assert.True(batch.Run());

        var done = await WaitForAsync(seen, 3_000);
        Assert.Equal(3_000, done.Length);
        Assert.Equal(Enumerable.Range(0, 1_000).Concat(Enumerable.Range(2_000, 1_000)), done.Where(n => n < 1_000 || n >= 2_000));
        Assert.Equal(Enumerable.Range(1_000, 1_000), done.Where(n => n is >= 1_000 and < 2_000));
    }

    [Fact]
    public async Task An_actor_that_fails_in_the_middle_of_a_batch_gets_the_rest_in_order_after_its_restart()
    {
        AllowActorFailures<InvalidOperationException>();
        var seen = new ConcurrentQueue<int>();
        var actor = await StartIdleAsync(Props.Create(() => new Scripted(seen, 3, -1, false)));
        var batch = new InlineTurnBatch(TimeSpan.FromSeconds(1));

        for (var i = 1; i <= 10; i++) batch.Tell(actor, i, null);
        Assert.True(batch.Run());

        var done = await WaitForAsync(seen, 9);
        Assert.Equal([1, 2, 4, 5, 6, 7, 8, 9, 10], done);
    }

    [Fact]
    public async Task An_actor_that_stops_in_the_middle_of_a_batch_leaves_the_rest_as_dead_letters()
    {
        var seen = new ConcurrentQueue<int>();
        var dead = new ConcurrentQueue<int>();
        using var subscription = Sys.EventStream.Subscribe<DeadLetter>(d => { if (d.Message is int n) dead.Enqueue(n); });
        var actor = await StartIdleAsync(Props.Create(() => new Scripted(seen, -1, 4, false)));
        var batch = new InlineTurnBatch(TimeSpan.FromSeconds(1));

        for (var i = 1; i <= 10; i++) batch.Tell(actor, i, null);
        Assert.True(batch.Run());

        var processed = await WaitForAsync(seen, 4);
        var lost = await WaitForAsync(dead, 6);
        Assert.Equal([1, 2, 3, 4], processed);
        Assert.Equal([5, 6, 7, 8, 9, 10], lost.Order());
    }

    [Fact]
    public async Task Messages_unstashed_in_the_middle_of_a_batch_come_before_the_rest_of_the_batch()
    {
        var seen = new ConcurrentQueue<int>();
        var actor = await StartIdleAsync(Props.Create(() => new Scripted(seen, -1, -1, true)));
        var batch = new InlineTurnBatch(TimeSpan.FromSeconds(1));

        batch.Tell(actor, 1, null);
        batch.Tell(actor, 2, null);
        batch.Tell(actor, "open", null);
        for (var i = 3; i <= 6; i++) batch.Tell(actor, i, null);
        Assert.True(batch.Run());

        var done = await WaitForAsync(seen, 6);
        Assert.Equal([1, 2, 3, 4, 5, 6], done);
    }
}
