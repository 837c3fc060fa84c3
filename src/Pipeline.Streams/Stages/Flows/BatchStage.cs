using Pipeline.Streams.Dsl;
using Pipeline.Streams.Implementation;

namespace Pipeline.Streams.Stages.Flows;

/// <summary>
/// While the downstream is slower, aggregates incoming elements into a batch (at most <c>max</c> cost; Conflate has
/// no max) instead of backpressuring; emits the batch on the next pull. Akka's batch/conflateWithSeed.
/// </summary>
internal sealed class BatchStage<TIn, TOut>(long max, Func<TIn, long> cost, Func<TIn, TOut> seed, Func<TOut, TIn, TOut> aggregate)
    : FlowStage<TIn, TOut>("batch")
{
    internal long Max { get; } = max;
    internal Func<TIn, long> Cost { get; } = cost;
    internal Func<TIn, TOut> Seed { get; } = seed;
    internal Func<TOut, TIn, TOut> Aggregate { get; } = aggregate;

    public override GraphStageLogic CreateLogic(Attributes attributes) => new Logic(this);

    private sealed class Logic(BatchStage<TIn, TOut> s) : InAndOutLogic<TIn, TOut>(s.In, s.Out)
    {
        private TOut _batch = default!;
        private bool _hasBatch;
        private long _cost;
        private TIn _pending = default!;
        private bool _hasPending;

        protected internal override void PreStart() => Pull(In);

        public override void OnPush()
        {
            var item = Grab(In);
            var c = s.Cost(item);
            if (!_hasBatch)
            {
                _batch = s.Seed(item);
                _hasBatch = true;
                _cost = c;
            }
            else if (_cost + c > s.Max)
            {
                _pending = item;
                _hasPending = true;
            }
            else
            {
                _batch = s.Aggregate(_batch, item);
                _cost += c;
            }
            if (IsAvailable(Out)) Flush();
            if (!_hasPending && !HasBeenPulled(In) && !IsClosed(In)) Pull(In);
        }

        public override void OnPull()
        {
            if (_hasBatch) Flush();
            else if (IsClosed(In)) CompleteStage();
        }

        private void Flush()
        {
            Push(Out, _batch);
            _batch = default!;
            _hasBatch = false;
            _cost = 0;
            if (_hasPending)
            {
                _hasPending = false;
                _batch = s.Seed(_pending);
                _cost = s.Cost(_pending);
                _hasBatch = true;
                _pending = default!;
                if (!IsClosed(In)) Pull(In);
            }
            if (!_hasBatch && IsClosed(In)) CompleteStage();
        }

        public override void OnUpstreamFinish()
        {
            if (!_hasBatch) CompleteStage();
        }

        protected override void OnRestart()
        {
            _hasBatch = false;
            _hasPending = false;
            _batch = default!;
        }
    }
}
