using Pipeline.Streams.Dsl;
using Pipeline.Streams.Implementation;
using Pipeline.Streams.Stages;

namespace Pipeline.Streams.Actors;

/// <summary>
/// The source behind <see cref="Source.Queue{T}"/> and <see cref="Source.ActorRef{T}"/>: a bounded buffer shared
/// between offering threads and the stage (one lock), with waiting offers for backpressure. The stage is woken
/// only when it waits for an element.
/// </summary>
internal sealed class QueueSourceStage<T>(int capacity, OverflowStrategy overflow) : SourceStage<T, QueueSourceStage<T>.State>("queue")
{
    public override (GraphStageLogic Logic, State Materialized) CreateLogicAndMaterializedValue(Attributes attributes)
    {
        var state = new State(capacity, overflow);
        return (new Logic(Out, state), state);
    }

    internal sealed class State(int capacity, OverflowStrategy overflow) : ISourceQueue<T>
    {
        private readonly Lock _lock = new();
        private readonly T[] _items = new T[capacity];
        private readonly Queue<(T Item, TaskCompletionSource<QueueOfferResult> Done)> _waiting = new();
        private readonly TaskCompletionSource _terminated = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _head, _count;
        private long _dropped;
        private bool _completeRequested, _stopped, _consumerWaiting;
        private Exception? _failure;
        internal AsyncCallback<Exception?> Wake = null!;

        public Task WhenTerminated => _terminated.Task;

        public int Count
        {
            get { lock (_lock) return _count; }
        }

        public long Dropped => Interlocked.Read(ref _dropped);

        public Exception? Failure
        {
            get { lock (_lock) return _failure; }
        }

        public ValueTask<QueueOfferResult> OfferAsync(T element, CancellationToken cancellationToken = default)
        {
            bool wake = false;
            Exception? failNow = null;
            QueueOfferResult result;
            TaskCompletionSource<QueueOfferResult>? wait = null;
            lock (_lock)
            {
                if (_failure is not null) return ValueTask.FromResult(QueueOfferResult.Failure);
                if (_stopped || _completeRequested) return ValueTask.FromResult(QueueOfferResult.QueueClosed);
                if (_count < _items.Length && _waiting.Count == 0)
                {
                    Add(element);
                    wake = _consumerWaiting;
                    _consumerWaiting = false;
                    result = QueueOfferResult.Enqueued;
                }
                else
                {
                    switch (overflow)
                    {
                        case OverflowStrategy.Backpressure:
                            wait = new TaskCompletionSource<QueueOfferResult>(TaskCreationOptions.RunContinuationsAsynchronously);
                            _waiting.Enqueue((element, wait));
                            result = QueueOfferResult.Enqueued;
                            break;
                        case OverflowStrategy.DropHead:
                            _items[_head] = default!;
                            _head = (_head + 1) % _items.Length;
                            _count--;
                            Add(element);
                            _dropped++;
                            result = QueueOfferResult.Enqueued;
                            break;
                        case OverflowStrategy.DropTail:
                            _count--;
                            Add(element);
                            _dropped++;
                            result = QueueOfferResult.Enqueued;
                            break;
                        case OverflowStrategy.DropBuffer:
                            _dropped += _count;
                            Array.Clear(_items);
                            _head = _count = 0;
                            Add(element);
                            result = QueueOfferResult.Enqueued;
                            break;
                        case OverflowStrategy.DropNew:
                            _dropped++;
                            result = QueueOfferResult.Dropped;
                            break;
                        default:
                            failNow = new BufferOverflowException($"Source.Queue: the buffer of {_items.Length} elements is full (OverflowStrategy.Fail).");
                            _failure = failNow;
                            result = QueueOfferResult.Failure;
                            break;
                    }
                }
            }
            if (failNow is not null) Wake.Invoke(failNow);
            else if (wake) Wake.Invoke(null);
            if (wait is null) return ValueTask.FromResult(result);
            if (cancellationToken.CanBeCanceled)
            {
                var registration = cancellationToken.Register(static s => ((TaskCompletionSource<QueueOfferResult>)s!).TrySetCanceled(), wait);
                _ = wait.Task.ContinueWith(static (_, r) => ((CancellationTokenRegistration)r!).Dispose(), registration, TaskScheduler.Default);
            }
            return new ValueTask<QueueOfferResult>(wait.Task);
        }

        private void Add(T element)
        {
            _items[(_head + _count) % _items.Length] = element;
            _count++;
        }

        public void Complete()
        {
            lock (_lock)
            {
                if (_completeRequested || _stopped) return;
                _completeRequested = true;
                _consumerWaiting = false;
            }
            Wake.Invoke(null);
        }

        internal bool CompletedAndEmpty
        {
            get { lock (_lock) return _completeRequested && _count == 0 && _waiting.Count == 0; }
        }

        public void Fail(Exception cause)
        {
            ArgumentNullException.ThrowIfNull(cause);
            lock (_lock)
            {
                if (_stopped || _failure is not null) return;
                _failure = cause;
            }
            Wake.Invoke(cause);
        }

        /// <summary>For the stage: takes an element, or says the queue is complete, or registers as waiting.</summary>
        internal bool TryTake(out T element, out bool complete)
        {
            TaskCompletionSource<QueueOfferResult>? admitted = null;
            lock (_lock)
            {
                complete = false;
                if (_count == 0)
                {
                    element = default!;
                    if (_completeRequested && _waiting.Count == 0) complete = true;
                    else _consumerWaiting = true;
                    return false;
                }
                element = _items[_head];
                _items[_head] = default!;
                _head = (_head + 1) % _items.Length;
                _count--;
                while (_waiting.Count > 0)
                {
                    var (item, done) = _waiting.Dequeue();
                    if (done.Task.IsCanceled) continue;
                    Add(item);
                    admitted = done;
                    break;
                }
            }
            admitted?.TrySetResult(QueueOfferResult.Enqueued);
            return true;
        }

        internal void Stopped(Exception? failure)
        {
            List<TaskCompletionSource<QueueOfferResult>> waiting;
            lock (_lock)
            {
                _stopped = true;
                _failure ??= failure;
                waiting = _waiting.Select(w => w.Done).ToList();
                _waiting.Clear();
                Array.Clear(_items);
                _count = 0;
            }
            foreach (var w in waiting) w.TrySetResult(failure is null ? QueueOfferResult.QueueClosed : QueueOfferResult.Failure);
            if (failure is null) _terminated.TrySetResult();
            else _terminated.TrySetException(failure);
        }
    }

    private sealed class Logic : SourceLogic<T>
    {
        private readonly State _state;
        private Exception? _failure;

        public Logic(Outlet<T> outlet, State state) : base(outlet)
        {
            _state = state;
            state.Wake = GetAsyncCallback<Exception?>(failure =>
            {
                if (failure is not null)
                {
                    _failure = failure;
                    FailStage(failure);
                }
                else if (IsAvailable(Out)) OnPull();
                else if (_state.CompletedAndEmpty) CompleteStage();
            });
        }

        public override void OnPull()
        {
            if (_state.TryTake(out var item, out var complete)) Push(Out, item);
            else if (complete) CompleteStage();
        }

        protected internal override void PostStop() => _state.Stopped(_failure);
    }
}
