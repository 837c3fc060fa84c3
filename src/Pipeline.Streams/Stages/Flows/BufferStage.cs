using Pipeline.Streams.Dsl;
using Pipeline.Streams.Implementation;

namespace Pipeline.Streams.Stages.Flows;

/// <summary>A bounded buffer with an overflow strategy; materializes a <see cref="BufferMonitor"/> with its counters.</summary>
internal sealed class BufferStage<T>(int size, OverflowStrategy overflow) : FlowStage<T, T, BufferMonitor>("buffer")
{
    internal int Size { get; } = size;
    internal OverflowStrategy Overflow { get; } = overflow;

    public override (GraphStageLogic Logic, BufferMonitor Materialized) CreateLogicAndMaterializedValue(Attributes attributes)
    {
        var monitor = new BufferMonitor(Size);
        return (new Logic(this, monitor), monitor);
    }

    private sealed class Logic(BufferStage<T> s, BufferMonitor monitor) : InAndOutLogic<T, T>(s.In, s.Out)
    {
        private readonly T[] _items = new T[s.Size];
        private int _head, _count;

        protected internal override void PreStart() => Pull(In);

        public override void OnPush()
        {
            var item = Grab(In);
            if (_count == 0 && IsAvailable(Out))
            {
                Push(Out, item);
                Pull(In);
                return;
            }
            if (_count < _items.Length) Enqueue(item);
            else
            {
                switch (s.Overflow)
                {
                    case OverflowStrategy.DropHead:
                        Dequeue();
                        monitor.AddDropped(1);
                        Enqueue(item);
                        break;
                    case OverflowStrategy.DropTail:
                        _count--;
                        _items[(_head + _count) % _items.Length] = default!;
                        monitor.AddDropped(1);
                        Enqueue(item);
                        break;
                    case OverflowStrategy.DropBuffer:
                        monitor.AddDropped(_count);
                        Array.Clear(_items);
                        _head = _count = 0;
                        Enqueue(item);
                        break;
                    case OverflowStrategy.DropNew:
                        monitor.AddDropped(1);
                        break;
                    case OverflowStrategy.Fail:
                        FailStage(new BufferOverflowException($"Buffer of {_items.Length} elements overflowed (OverflowStrategy.Fail)."));
                        return;
                    default:
                        throw new InvalidOperationException("A backpressuring buffer never receives an element while full.");
                }
            }
            if (s.Overflow != OverflowStrategy.Backpressure || _count < _items.Length) Pull(In);
        }

        public override void OnPull()
        {
            if (_count > 0)
            {
                Push(Out, Dequeue());
                if (IsClosed(In))
                {
                    if (_count == 0) CompleteStage();
                }
                else if (!HasBeenPulled(In)) Pull(In);
            }
            else if (IsClosed(In)) CompleteStage();
            else if (!HasBeenPulled(In)) Pull(In);
        }

        public override void OnUpstreamFinish()
        {
            if (_count == 0) CompleteStage();
        }

        private void Enqueue(T item)
        {
            _items[(_head + _count) % _items.Length] = item;
            _count++;
            monitor.SetCount(_count);
        }

        private T Dequeue()
        {
            var item = _items[_head];
            _items[_head] = default!;
            _head = (_head + 1) % _items.Length;
            _count--;
            monitor.SetCount(_count);
            return item;
        }
    }
}
