using Pipeline.Streams.Dsl;
using Pipeline.Streams.Implementation;
using Pipeline.Streams.Supervision;

namespace Pipeline.Streams.Stages.Flows;

/// <summary>
/// Runs up to <c>parallelism</c> tasks at once and emits their results in upstream order (ordered) or as they
/// complete (unordered). Failed tasks follow the supervision decider: resume/restart drop the element.
/// </summary>
internal sealed class SelectAsyncStage<TIn, TOut>(int parallelism, Func<TIn, Task<TOut>> selector, bool ordered)
    : FlowStage<TIn, TOut>(ordered ? "select-async" : "select-async-unordered")
{
    internal int Parallelism { get; } = parallelism;
    internal Func<TIn, Task<TOut>> Selector { get; } = selector;
    internal bool Ordered { get; } = ordered;

    public override GraphStageLogic CreateLogic(Attributes attributes) => new Logic(this);

    private sealed class Logic : InAndOutLogic<TIn, TOut>
    {
        private readonly SelectAsyncStage<TIn, TOut> _s;
        private readonly Queue<Task<TOut>> _inFlight = new();
        private readonly Queue<TOut> _done = new();
        private readonly AsyncCallback<Task<TOut>> _onCompleted;
        private int _running;

        public Logic(SelectAsyncStage<TIn, TOut> s) : base(s.In, s.Out)
        {
            _s = s;
            _onCompleted = GetAsyncCallback<Task<TOut>>(Completed);
        }

        protected internal override void PreStart() => Pull(In);

        public override void OnPush()
        {
            var item = Grab(In);
            Task<TOut> task;
            try { task = _s.Selector(item); }
            catch (Exception e)
            {
                if (Decider(e) == Directive.Stop) FailStage(e);
                else PullIfRoom();
                return;
            }
            _running++;
            if (_s.Ordered) _inFlight.Enqueue(task);
            if (task.IsCompleted) Completed(task);
            else task.ContinueWith(static (t, cb) => ((AsyncCallback<Task<TOut>>)cb!).Invoke(t), _onCompleted,
                CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            PullIfRoom();
        }

        private void PullIfRoom()
        {
            if (_running + _done.Count < _s.Parallelism && !IsClosed(In) && !HasBeenPulled(In)) Pull(In);
        }

        private void Completed(Task<TOut> task)
        {
            if (!_s.Ordered)
            {
                _running--;
                if (!Accept(task)) return;
            }
            else
            {
                while (_inFlight.Count > 0 && _inFlight.Peek().IsCompleted)
                {
                    _running--;
                    if (!Accept(_inFlight.Dequeue())) return;
                }
            }
            Emit();
        }

        private bool Accept(Task<TOut> task)
        {
            if (task.IsCompletedSuccessfully)
            {
                _done.Enqueue(task.GetAwaiter().GetResult());
                return true;
            }
            var error = task.Exception?.InnerException ?? new TaskCanceledException(task);
            if (Decider(error) != Directive.Stop) return true;
            FailStage(error);
            return false;
        }

        private void Emit()
        {
            if (_done.Count > 0 && IsAvailable(Out)) Push(Out, _done.Dequeue());
            if (IsClosed(In) && _running == 0 && _done.Count == 0) CompleteStage();
            else PullIfRoom();
        }

        public override void OnPull() => Emit();

        public override void OnUpstreamFinish()
        {
            if (_running == 0 && _done.Count == 0) CompleteStage();
        }
    }
}
