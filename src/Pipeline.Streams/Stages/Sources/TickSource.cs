using Pipeline.Runtime.Scheduling;
using Pipeline.Streams.Dsl;
using Pipeline.Streams.Implementation;

namespace Pipeline.Streams.Stages.Sources;

/// <summary>Emits <c>element</c> every interval while there is demand (ticks without demand are skipped, as in Akka);
/// materializes a cancelable that completes the source.</summary>
internal sealed class TickSource<T>(TimeSpan initialDelay, TimeSpan interval, T element) : SourceStage<T, ICancelable>("tick")
{
    public override (GraphStageLogic Logic, ICancelable Materialized) CreateLogicAndMaterializedValue(Attributes attributes)
    {
        var logic = new Logic(Out, initialDelay, interval, element);
        return (logic, logic.Cancelable);
    }

    private sealed class Logic : SourceLogic<T>
    {
        private readonly TimeSpan _initialDelay, _interval;
        private readonly T _element;

        public Logic(Outlet<T> outlet, TimeSpan initialDelay, TimeSpan interval, T element) : base(outlet)
        {
            _initialDelay = initialDelay;
            _interval = interval;
            _element = element;
            Cancelable = new TickCancelable(GetAsyncCallback<bool>(_ => CompleteStage()));
        }

        public TickCancelable Cancelable { get; }

        protected internal override void PreStart() => ScheduleRepeatedly("tick", _initialDelay, _interval);

        public override void OnPull() { }

        protected internal override void OnTimer(object timerKey)
        {
            if (IsAvailable(Out)) Push(Out, _element);
        }
    }

    private sealed class TickCancelable(AsyncCallback<bool> cancel) : ICancelable
    {
        private int _cancelled;

        public bool IsCancellationRequested => Volatile.Read(ref _cancelled) == 1;

        public bool Cancel()
        {
            if (Interlocked.Exchange(ref _cancelled, 1) != 0) return false;
            cancel.Invoke(true);
            return true;
        }
    }
}
