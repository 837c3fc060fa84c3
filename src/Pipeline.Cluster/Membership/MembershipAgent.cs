using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Pipeline.Cluster.Addressing;
using Pipeline.Cluster.FailureDetection;
using Pipeline.Cluster.Membership.Events;
using Pipeline.Cluster.Membership.Store;

namespace Pipeline.Cluster.Membership;

/// <summary>
/// One node's membership logic (Orleans-style oracle, Akka-style states and events), with no actors: it
/// registers this incarnation as Joining, declares its own older incarnations Down, connects to the live
/// members, becomes Up, then re-reads the table every refresh interval to publish events, write suspicion votes
/// for members the failure detector reports unreachable, declare Down those with enough fresh votes, remove
/// Down members after a grace period, and fence itself when it reads itself Down. A refused dial to a member's
/// address (its process is gone) votes at once, and a member this node downs on such votes alone is removed at
/// once (see docs/cluster.md, "timing model").
/// </summary>
public sealed class MembershipAgent : IReachabilityObserver, IAsyncDisposable
{
    private readonly object _gate = new();
    private readonly IMembershipStore _store;
    private readonly MembershipSettings _settings;
    private readonly IMemberConnector _connector;
    private readonly TimeProvider _clock;
    private readonly ILogger _logger;
    private readonly ClusterView _view = new();
    private readonly ClusterEventBus _bus;
    private readonly CancellationTokenSource _stop = new();
    private readonly SemaphoreSlim _refreshGate = new(1, 1);
    private readonly TaskCompletionSource<NodeFenced> _fenced = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly HashSet<UniqueAddress> _detectorUnreachable = new();
    private readonly HashSet<UniqueAddress> _processGone = new();
    private readonly HashSet<UniqueAddress> _downedAsGone = new();
    private Task _loop = Task.CompletedTask;
    private Task _feed = Task.CompletedTask;
    private int _refreshQueued;
    private volatile bool _leaving;
    private long _lastReadTimestamp;
    private int _disposed;

    /// <summary>Creates the agent for incarnation <paramref name="self"/>.</summary>
    public MembershipAgent(IMembershipStore store, UniqueAddress self, MembershipSettings settings, IMemberConnector connector, TimeProvider? clock = null, ILogger<MembershipAgent>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(connector);
        settings.Validate();
        _store = store;
        Self = self;
        _settings = settings;
        _connector = connector;
        _clock = clock ?? TimeProvider.System;
        _logger = logger ?? NullLogger<MembershipAgent>.Instance;
        _bus = new ClusterEventBus(_logger);
    }

    /// <summary>This node's incarnation.</summary>
    public UniqueAddress Self { get; }

    /// <summary>Completes when this node finds itself Down (or removed) in the table: the host must stop.</summary>
    public Task<NodeFenced> Fenced => _fenced.Task;

    /// <summary>
    /// How long ago the table was last read successfully: a node that cannot read it cannot learn that it was
    /// declared Down, so work that must never run twice (singletons) stops when this grows too large.
    /// </summary>
    public TimeSpan SinceLastRead => _clock.GetElapsedTime(Interlocked.Read(ref _lastReadTimestamp));

    /// <summary>The current view, as a new subscriber would receive it.</summary>
    public CurrentClusterState State
    {
        get { lock (_gate) return _view.State(); }
    }

    /// <summary>Subscribes to cluster events; <paramref name="handler"/> first receives <see cref="CurrentClusterState"/>.</summary>
    public IDisposable Subscribe(Action<ClusterEvent> handler)
    {
        lock (_gate) return _bus.Subscribe(handler, _view.State);
    }

    /// <summary>Registers, connects to the live members, becomes Up and starts the refresh loop.</summary>
    public async Task JoinAsync(CancellationToken cancellationToken)
    {
        await _store.InitializeAsync(cancellationToken).ConfigureAwait(false);
        var now = _clock.GetUtcNow();
        var me = new Member
        {
            Node = Self, Status = MemberStatus.Joining, Roles = _settings.Roles, AppVersion = _settings.AppVersion,
            StartedAt = now, IAmAliveAt = now, StatusChangedAt = now,
        };
        await CompareAndSwapAsync(s => _store.TryRegisterAsync(me, s.Version, cancellationToken), cancellationToken).ConfigureAwait(false);
        _logger.LogInformation("{Self} registered as Joining", Self);

        // a restart of this address: the previous incarnation is dead, say so before anyone waits on it
        await CompareAndSwapAsync(s => s.Members.FirstOrDefault(m => m.Node.Address == Self.Address && m.Node.Uid != Self.Uid && m.Status.IsLive()) is { } old
            ? DeclareDownAsync(old, s.Version, "replaced by a new incarnation of its address", cancellationToken)
            : null, cancellationToken).ConfigureAwait(false);

        var snapshot = await RefreshViewAsync(cancellationToken).ConfigureAwait(false);
        var peers = snapshot.Members.Where(m => m.Node != Self && m.Status.IsLive()).ToList();
        await Task.WhenAll(peers.Select(p => ConnectAsync(p, cancellationToken))).ConfigureAwait(false);

        await CompareAndSwapAsync(s => _store.TryUpdateStatusAsync(Self, MemberStatus.Up, _clock.GetUtcNow(), s.Version, cancellationToken), cancellationToken).ConfigureAwait(false);
        _logger.LogInformation("{Self} is Up ({Peers} live peers)", Self, peers.Count);
        await RefreshViewAsync(cancellationToken).ConfigureAwait(false);
        _loop = Task.Run(() => LoopAsync(_stop.Token), CancellationToken.None);
        if (_store is IMembershipChangeFeed feed) _feed = Task.Run(() => FeedAsync(feed, _stop.Token), CancellationToken.None);
    }

    /// <summary>
    /// Graceful leave: Leaving, then <paramref name="handOver"/> (singletons, shards), then Exiting and Removed.
    /// The refresh loop stops afterwards.
    /// </summary>
    public async Task LeaveAsync(Func<CancellationToken, Task>? handOver, CancellationToken cancellationToken)
    {
        _leaving = true;
        foreach (var status in new[] { MemberStatus.Leaving, MemberStatus.Exiting, MemberStatus.Removed })
        {
            if (status == MemberStatus.Exiting && handOver is not null) await handOver(cancellationToken).ConfigureAwait(false);
            var downed = false;
            await CompareAndSwapAsync(s =>
            {
                // A node already voted Down (or Removed) must not write itself back to Leaving: it is fenced.
                if (s.Members.FirstOrDefault(m => m.Node.Equals(Self))?.Status is MemberStatus.Down or MemberStatus.Removed)
                {
                    downed = true;
                    return null;
                }
                return _store.TryUpdateStatusAsync(Self, status, _clock.GetUtcNow(), s.Version, cancellationToken);
            }, cancellationToken).ConfigureAwait(false);
            if (downed)
            {
                _logger.LogWarning("{Self} cannot leave gracefully: the cluster has already marked it Down", Self);
                await RefreshViewAsync(cancellationToken).ConfigureAwait(false);
                break;
            }
            _logger.LogInformation("{Self} is {Status}", Self, status);
            await RefreshViewAsync(cancellationToken).ConfigureAwait(false);
        }
        await StopLoopAsync().ConfigureAwait(false);
    }

    /// <summary>Failure detector verdict: publishes <see cref="UnreachableMember"/> and votes at once (not at the next refresh).</summary>
    public void OnUnreachable(UniqueAddress node)
    {
        lock (_gate) _detectorUnreachable.Add(node);
        SetReachable(node, false);
        RequestRefresh();
    }

    /// <summary>Failure detector verdict: stops voting and publishes <see cref="ReachableMember"/>.</summary>
    public void OnReachable(UniqueAddress node)
    {
        lock (_gate)
        {
            _detectorUnreachable.Remove(node);
            if (_processGone.Contains(node)) return;
        }
        SetReachable(node, true);
    }

    /// <summary>
    /// Strong evidence that <paramref name="node"/>'s process is gone (a dial to its exact address was refused): the
    /// member is unreachable from now on and this node votes at once, marking its vote as such. The vote still
    /// counts as one; a majority of fresh votes is needed as always.
    /// </summary>
    public void OnProcessGone(UniqueAddress node)
    {
        if (node == Self) return;
        bool added;
        lock (_gate) added = _processGone.Add(node);
        if (!added) return;
        _logger.LogWarning("{Self}: a connection to {Node}'s address was refused, its process is gone", Self, node);
        SetReachable(node, false);
        RequestRefresh();
    }

    /// <summary>A connection to <paramref name="node"/> succeeded after all: withdraws <see cref="OnProcessGone"/>'s evidence.</summary>
    public void OnConnected(UniqueAddress node)
    {
        lock (_gate)
        {
            if (!_processGone.Remove(node) || _detectorUnreachable.Contains(node)) return;
        }
        SetReachable(node, true);
    }

    /// <summary>One refresh round (the loop calls it every interval; tests call it to avoid waiting).</summary>
    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        // one round at a time, so that snapshots are applied in order
        await _refreshGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await RefreshCoreAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _refreshGate.Release();
        }
    }

    private async Task RefreshCoreAsync(CancellationToken cancellationToken)
    {
        // every successful write changes the version: re-read and continue until a round changes nothing
        for (var round = 0; round < 16; round++)
        {
            var snapshot = await ReadAndApplyAsync(cancellationToken).ConfigureAwait(false);
            if (CheckFenced(snapshot)) return;
            if (!await ActAsync(snapshot, cancellationToken).ConfigureAwait(false)) return;
        }
    }

    /// <summary>Reads the table whenever the store announces a change (PostgreSQL NOTIFY); reconnects with back-off.</summary>
    private async Task FeedAsync(IMembershipChangeFeed feed, CancellationToken cancellationToken)
    {
        var backoff = TimeSpan.FromMilliseconds(200);
        while (!cancellationToken.IsCancellationRequested && !_fenced.Task.IsCompleted)
        {
            try
            {
                await feed.ListenAsync(RequestRefresh, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                _logger.LogWarning("Membership change feed of {Self} lost ({Error}); reading every {Interval} until it is back, retrying in {Backoff}",
                    Self, ex.Message, _settings.RefreshInterval, backoff);
                try
                {
                    await Task.Delay(backoff, _clock, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, TimeSpan.FromSeconds(5).Ticks));
            }
        }
    }

    /// <summary>A refresh now (not at the next tick); requests made while one is waiting to start are served by it.</summary>
    private void RequestRefresh()
    {
        if (_loop.IsCompleted || _fenced.Task.IsCompleted || Interlocked.Exchange(ref _refreshQueued, 1) != 0) return;
        // off the caller's thread: callers are transport tasks and the store's notification handler
        _ = Task.Run(() => RefreshSoonAsync(_stop.Token), CancellationToken.None);
    }

    private async Task RefreshSoonAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _refreshGate.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                Volatile.Write(ref _refreshQueued, 0);
                await RefreshCoreAsync(cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                _refreshGate.Release();
            }
        }
        catch (OperationCanceledException)
        {
            // stopping
        }
        catch (Exception ex)
        {
            _logger.LogWarning(ex, "Early membership refresh of {Self} (after a suspicion or a change notification) failed; the next round retries", Self);
        }
    }

    /// <summary>Stops the refresh loop without changing this node's status (as a crash would; use <see cref="LeaveAsync"/> to leave).</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        await StopLoopAsync().ConfigureAwait(false);
    }

    private async Task StopLoopAsync()
    {
        if (!_stop.IsCancellationRequested) await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        await _feed.ConfigureAwait(false);
    }

    private void SetReachable(UniqueAddress node, bool reachable)
    {
        lock (_gate)
        {
            if (_view.SetReachable(node, reachable) is { } e) _bus.Publish([e]);
        }
    }

    private async Task LoopAsync(CancellationToken cancellationToken)
    {
        var lastAlive = _clock.GetTimestamp();
        using var timer = new PeriodicTimer(_settings.RefreshInterval, _clock);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                try
                {
                    await RefreshAsync(cancellationToken).ConfigureAwait(false);
                    if (_fenced.Task.IsCompleted) return;
                    if (_clock.GetElapsedTime(lastAlive) >= _settings.IAmAliveInterval)
                    {
                        await _store.UpdateIAmAliveAsync(Self, _clock.GetUtcNow(), cancellationToken).ConfigureAwait(false);
                        lastAlive = _clock.GetTimestamp();
                    }
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // the store may be briefly unavailable: keep the last view and try again next round
                    _logger.LogWarning(ex, "Membership refresh of {Self} failed; retrying in {Interval}", Self, _settings.RefreshInterval);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // stopped
        }
    }

    private async Task<MembershipSnapshot> RefreshViewAsync(CancellationToken cancellationToken)
    {
        await _refreshGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await ReadAndApplyAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _refreshGate.Release();
        }
    }

    private async Task<MembershipSnapshot> ReadAndApplyAsync(CancellationToken cancellationToken)
    {
        var snapshot = await _store.ReadAllAsync(cancellationToken).ConfigureAwait(false);
        Interlocked.Exchange(ref _lastReadTimestamp, _clock.GetTimestamp());
        lock (_gate)
        {
            _bus.Publish(_view.Apply(snapshot));
            // evidence about incarnations that are settled (Down needs it until Removed) is no longer needed
            var settled = snapshot.Members.Where(m => m.Status == MemberStatus.Removed).Select(m => m.Node).ToHashSet();
            _downedAsGone.RemoveWhere(n => settled.Contains(n) || snapshot.Members.All(m => m.Node != n));
            _processGone.RemoveWhere(n => settled.Contains(n) || snapshot.Members.Any(m => m.Node == n && m.Status == MemberStatus.Down));
            _detectorUnreachable.RemoveWhere(settled.Contains);
        }
        return snapshot;
    }

    private bool CheckFenced(MembershipSnapshot snapshot)
    {
        var me = snapshot.Members.FirstOrDefault(m => m.Node == Self);
        string? reason = me switch
        {
            null => "this incarnation is missing from the membership table",
            { Status: MemberStatus.Down } => "the cluster declared this node Down",
            { Status: MemberStatus.Removed } when !_leaving => "the cluster removed this node",
            _ => null,
        };
        if (reason is null) return false;
        var fenced = new NodeFenced(me, reason);
        if (_fenced.TrySetResult(fenced))
        {
            _logger.LogCritical("{Self} is fenced: {Reason}; the node must stop", Self, reason);
            lock (_gate) _bus.Publish([fenced]);
        }
        return true;
    }

    /// <summary>Takes at most one action on the snapshot; true when it wrote (so the snapshot is stale).</summary>
    private async Task<bool> ActAsync(MembershipSnapshot snapshot, CancellationToken cancellationToken)
    {
        var now = _clock.GetUtcNow();
        List<UniqueAddress> unreachable;
        HashSet<UniqueAddress> gone, downedAsGone;
        lock (_gate)
        {
            unreachable = snapshot.Members.Where(m => _view.IsUnreachable(m.Node)).Select(m => m.Node).ToList();
            gone = [.. _processGone];
            downedAsGone = [.. _downedAsGone];
        }
        var live = snapshot.Members.Count(m => m.Status.IsLive());

        foreach (var suspect in snapshot.Members.Where(m => m.Node != Self && m.Status.IsLive() && unreachable.Contains(m.Node)))
        {
            var fresh = suspect.Suspicions.Where(v => v.Voter != Self && now - v.At <= _settings.VoteExpiration).ToList();
            var required = _settings.RequiredVotes(live);
            var processGone = gone.Contains(suspect.Node);
            if (fresh.Count + 1 >= required)
            {
                var voters = string.Join(", ", fresh.Select(v => v.Voter + (v.ProcessGone ? " (process gone)" : "")).Append(Self + (processGone ? " (process gone)" : "")));
                // won or lost the race, the snapshot is stale now: re-read
                if (await DeclareDownAsync(suspect, snapshot.Version, $"{fresh.Count + 1} of {required} required votes ({voters})", cancellationToken).ConfigureAwait(false)
                    && processGone && fresh.All(v => v.ProcessGone))
                {
                    // every vote that counted saw its address refused: no process is left to fence, remove it now
                    lock (_gate) _downedAsGone.Add(suspect.Node);
                }
                return true;
            }
            var mine = suspect.Suspicions.FirstOrDefault(v => v.Voter == Self);
            if (mine is null || now - mine.At > _settings.VoteExpiration / 2 || (processGone && !mine.ProcessGone))
            {
                _logger.LogWarning("{Self} votes that {Suspect} is dead{Evidence} ({Votes} of {Required} votes)", Self, suspect.Node,
                    processGone ? " (its address refuses connections)" : "", fresh.Count + 1, required);
                await _store.TryAddSuspicionAsync(suspect.Node, new SuspicionVote(Self, now, processGone), snapshot.Version, cancellationToken).ConfigureAwait(false);
                return true;
            }
        }

        var expired = snapshot.Members.FirstOrDefault(m => m.Status == MemberStatus.Down && (now - m.StatusChangedAt >= _settings.DownRemovalGrace || downedAsGone.Contains(m.Node)));
        if (expired is not null)
        {
            var asGone = downedAsGone.Contains(expired.Node);
            _logger.LogInformation("{Self} removes {Member}, Down since {Since}{Why}", Self, expired.Node, expired.StatusChangedAt,
                asGone ? " (downed on evidence that its process is gone: no grace needed)" : "");
            if (await _store.TryUpdateStatusAsync(expired.Node, MemberStatus.Removed, now, snapshot.Version, cancellationToken).ConfigureAwait(false) && asGone)
                lock (_gate) _downedAsGone.Remove(expired.Node);
            return true;
        }
        var stale = snapshot.Members.FirstOrDefault(m => m.Node.Address == Self.Address && m.Node.Uid != Self.Uid && m.Status.IsLive());
        if (stale is not null)
        {
            await DeclareDownAsync(stale, snapshot.Version, "replaced by a new incarnation of its address", cancellationToken).ConfigureAwait(false);
            return true;
        }
        return false;
    }

    private async Task<bool> DeclareDownAsync(Member member, long version, string reason, CancellationToken cancellationToken)
    {
        var done = await _store.TryUpdateStatusAsync(member.Node, MemberStatus.Down, _clock.GetUtcNow(), version, cancellationToken).ConfigureAwait(false);
        if (done) _logger.LogWarning("{Self} declared {Member} Down: {Reason}", Self, member.Node, reason);
        return done;
    }

    private async Task ConnectAsync(Member member, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(_settings.JoinConnectTimeout);
        try
        {
            await _connector.ConnectAsync(member, deadline.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            // an unreachable member does not stop the join: the failure detector will vote on it
            _logger.LogWarning("{Self} could not connect to {Member} while joining: {Error}", Self, member.Node, ex.Message);
        }
    }

    private async Task CompareAndSwapAsync(Func<MembershipSnapshot, Task<bool>?> attempt, CancellationToken cancellationToken)
    {
        for (var tries = 1; ; tries++)
        {
            var snapshot = await _store.ReadAllAsync(cancellationToken).ConfigureAwait(false);
            if (attempt(snapshot) is not { } write) return;
            if (await write.ConfigureAwait(false)) return;
            // someone else changed the table first: back off a little (jittered) and decide again
            await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(5, 20 + Math.Min(tries, 20) * 10)), _clock, cancellationToken).ConfigureAwait(false);
        }
    }
}
