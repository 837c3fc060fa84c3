using Pipeline.Streams.Dsl;
using Pipeline.Streams.Implementation;

namespace Pipeline.Streams.Stages.Flows;

/// <summary>
/// Routes each element to the substream of its key (at most <c>maxSubstreams</c> open at once), runs each
/// substream through the given flow in an island of its own, and merges their outputs. An element whose
/// substream has no demand yet waits, and the upstream is not pulled meanwhile (backpressure).
/// </summary>
internal sealed class GroupByStage<TIn, TKey, TOut, TMat>(int maxSubstreams, Func<TIn, TKey> keySelector, Flow<TIn, TOut, TMat> substream)
    : FlowStage<TIn, TOut>("group-by") where TKey : notnull
{
    internal int MaxSubstreams { get; } = maxSubstreams;
    internal Func<TIn, TKey> KeySelector { get; } = keySelector;
    internal Flow<TIn, TOut, TMat> Substream { get; } = substream;

    public override GraphStageLogic CreateLogic(Attributes attributes) => new Logic(this);

    private sealed class Sub(SubSourceOutlet<TIn> feed)
    {
        public SubSourceOutlet<TIn> Feed { get; } = feed;
        public SubSinkInlet<TOut> Output { get; set; } = null!;
    }

    private sealed class Logic(GroupByStage<TIn, TKey, TOut, TMat> s) : InAndOutLogic<TIn, TOut>(s.In, s.Out)
    {
        private readonly Dictionary<TKey, Sub> _open = new();
        private readonly HashSet<Sub> _running = new();
        private readonly Queue<Sub> _ready = new();
        private Sub? _pendingSub;
        private TIn _pending = default!;

        protected internal override void PreStart() => Pull(In);

        public override void OnPush()
        {
            var item = Grab(In);
            var key = s.KeySelector(item);
            if (!_open.TryGetValue(key, out var sub))
            {
                if (_open.Count >= s.MaxSubstreams)
                {
                    FailStage(new TooManySubstreamsException($"GroupBy: key '{key}' would open substream {_open.Count + 1}, above the bound of {s.MaxSubstreams}."));
                    return;
                }
                sub = Open(key);
            }
            if (sub.Feed.IsAvailable)
            {
                sub.Feed.Push(item);
                Pull(In);
            }
            else
            {
                _pendingSub = sub;
                _pending = item;
            }
        }

        private Sub Open(TKey key)
        {
            Sub? sub = null;
            var feed = new SubSourceOutlet<TIn>(this, $"group-by[{key}]",
                () => OnSubPull(sub!),
                _ => { _open.Remove(key); if (_pendingSub == sub) { _pendingSub = null; TryPullIn(); } });
            sub = new Sub(feed);
            sub.Output = new SubSinkInlet<TOut>(this, $"group-by[{key}].out",
                () => { _ready.Enqueue(sub); TryEmit(); },
                () => { _running.Remove(sub); _open.Remove(key); MaybeComplete(); },
                FailStage);
            _open[key] = sub;
            _running.Add(sub);
            feed.Source.Via(s.Substream).To(sub.Output.Sink).Run(Materializer);
            sub.Output.Pull();
            return sub;
        }

        private void OnSubPull(Sub sub)
        {
            if (_pendingSub != sub) return;
            _pendingSub = null;
            var item = _pending;
            _pending = default!;
            sub.Feed.Push(item);
            if (IsClosed(In)) CompleteFeeds();
            else TryPullIn();
        }

        private void TryPullIn()
        {
            if (_pendingSub is null && !IsClosed(In) && !HasBeenPulled(In)) Pull(In);
        }

        public override void OnPull() => TryEmit();

        private void TryEmit()
        {
            if (!IsAvailable(Out) || _ready.Count == 0) return;
            var sub = _ready.Dequeue();
            Push(Out, sub.Output.Grab());
            sub.Output.Pull();
        }

        public override void OnUpstreamFinish()
        {
            if (_pendingSub is null) CompleteFeeds();
            MaybeComplete();
        }

        private void CompleteFeeds()
        {
            foreach (var sub in _open.Values) sub.Feed.Complete();
        }

        private void MaybeComplete()
        {
            if (IsClosed(In) && _pendingSub is null && _running.Count == 0 && _ready.Count == 0) CompleteStage();
        }

        public override void OnDownstreamFinish(Exception? cause)
        {
            foreach (var sub in _running)
            {
                sub.Feed.Complete();
                sub.Output.Cancel();
            }
            CompleteStage();
        }

        protected internal override void PostStop()
        {
            foreach (var sub in _running)
            {
                sub.Feed.Fail(new AbruptTerminationException("GroupBy stopped."));
                sub.Output.Cancel();
            }
        }
    }
}
