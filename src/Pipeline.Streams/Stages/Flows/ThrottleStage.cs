using Pipeline.Streams.Dsl;
using Pipeline.Streams.Implementation;

namespace Pipeline.Streams.Stages.Flows;

/// <summary>
/// Limits the rate to <c>cost</c> units per period with a token bucket of <c>maximumBurst</c> units: shaping delays
/// elements until tokens are available (the upstream is not pulled meanwhile), enforcing fails the stream.
/// </summary>
internal sealed class ThrottleStage<T>(int cost, TimeSpan per, int maximumBurst, Func<T, int> costOf, ThrottleMode mode) : FlowStage<T, T>("throttle")
{
    internal int Cost { get; } = cost;
    internal TimeSpan Per { get; } = per;
    internal int MaximumBurst { get; } = maximumBurst;
    internal Func<T, int> CostOf { get; } = costOf;
    internal ThrottleMode Mode { get; } = mode;

    public override GraphStageLogic CreateLogic(Attributes attributes) => new Logic(this);

    private sealed class Logic(ThrottleStage<T> s) : InAndOutLogic<T, T>(s.In, s.Out)
    {
        private readonly double _ticksPerToken = (double)s.Per.Ticks / s.Cost;
        private double _tokens = Math.Max(1, s.MaximumBurst);
        private long _last;
        private T _pending = default!;
        private bool _hasPending;

        protected internal override void PreStart() => _last = TimeProvider.GetTimestamp();

        private void Refill()
        {
            var now = TimeProvider.GetTimestamp();
            var elapsed = TimeProvider.GetElapsedTime(_last, now);
            _last = now;
            _tokens = Math.Min(Math.Max(1, s.MaximumBurst), _tokens + elapsed.Ticks / _ticksPerToken);
        }

        public override void OnPush()
        {
            var item = Grab(In);
            var c = s.CostOf(item);
            Refill();
            if (_tokens >= c)
            {
                _tokens -= c;
                Push(Out, item);
                return;
            }
            if (s.Mode == ThrottleMode.Enforcing)
            {
                FailStage(new RateExceededException($"Throttle: elements arrived faster than {s.Cost} per {s.Per}."));
                return;
            }
            _pending = item;
            _hasPending = true;
            var wait = TimeSpan.FromTicks((long)Math.Ceiling((c - _tokens) * _ticksPerToken));
            ScheduleOnce("throttle", wait);
        }

        protected internal override void OnTimer(object timerKey)
        {
            if (!_hasPending) return;
            Refill();
            var c = s.CostOf(_pending);
            if (_tokens < c)
            {
                ScheduleOnce("throttle", TimeSpan.FromTicks((long)Math.Ceiling((c - _tokens) * _ticksPerToken)));
                return;
            }
            _tokens -= c;
            _hasPending = false;
            var item = _pending;
            _pending = default!;
            Push(Out, item);
            if (IsClosed(In)) CompleteStage();
        }

        public override void OnUpstreamFinish()
        {
            if (!_hasPending) CompleteStage();
        }
    }
}
