using Pipeline.Streams.Dsl;
using Pipeline.Streams.Implementation;

namespace Pipeline.Streams.Stages.Flows;

/// <summary>
/// Collects elements into lists of at most n, emitting a list when it is full or when the time window since the
/// window opened has passed (whichever first; empty windows emit nothing). While a finished list waits for
/// demand, the upstream is not pulled.
/// </summary>
internal sealed class GroupedWithinStage<T>(int size, TimeSpan window) : FlowStage<T, IReadOnlyList<T>>("grouped-within")
{
    public override GraphStageLogic CreateLogic(Attributes attributes) => new Logic(In, Out, size, window);

    private sealed class Logic(Inlet<T> inlet, Outlet<IReadOnlyList<T>> outlet, int size, TimeSpan window) : InAndOutLogic<T, IReadOnlyList<T>>(inlet, outlet)
    {
        private const string Timer = "window";
        private List<T> _group = new(size);
        private List<T>? _ready;

        protected internal override void PreStart()
        {
            ScheduleRepeatedly(Timer, window, window);
            Pull(In);
        }

        public override void OnPush()
        {
            _group.Add(Grab(In));
            if (_group.Count >= size)
            {
                CloseWindow();
                ScheduleRepeatedly(Timer, window, window);
            }
            if (_ready is null && !HasBeenPulled(In)) Pull(In);
        }

        protected internal override void OnTimer(object timerKey)
        {
            if (_group.Count > 0 && _ready is null) CloseWindow();
        }

        private void CloseWindow()
        {
            _ready = _group;
            _group = new List<T>(size);
            TryEmit();
        }

        private void TryEmit()
        {
            if (_ready is null || !IsAvailable(Out)) return;
            var r = _ready;
            _ready = null;
            Push(Out, r);
            if (IsClosed(In))
            {
                if (_group.Count > 0) CloseWindow();
                else CompleteStage();
            }
            else if (!HasBeenPulled(In)) Pull(In);
        }

        public override void OnPull() => TryEmit();

        public override void OnUpstreamFinish()
        {
            if (_ready is null && _group.Count > 0) CloseWindow();
            else if (_ready is null) CompleteStage();
        }
    }
}
