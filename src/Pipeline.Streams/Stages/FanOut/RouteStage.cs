using Pipeline.Streams.Dsl;
using Pipeline.Streams.Implementation;

namespace Pipeline.Streams.Stages.FanOut;

/// <summary>
/// Sends each element to one output: Balance picks any output with demand (work distribution), Partition asks a
/// function for the output index and holds the element until that output pulls. Order per output is preserved.
/// </summary>
internal sealed class RouteStage<T> : GraphStage
{
    private readonly Inlet<T> _in = new("route.in");
    private readonly Outlet<T>[] _outs;
    private readonly Func<T, int>? _partitioner;

    public RouteStage(int outputs, Func<T, int>? partitioner)
    {
        _outs = Enumerable.Range(0, outputs).Select(i => new Outlet<T>($"route.out{i}")).ToArray();
        _partitioner = partitioner;
        Shape = new StageShape([_in], _outs);
    }

    public override StageShape Shape { get; }

    public override string Name => _partitioner is null ? "balance" : "partition";

    public override GraphStageLogic CreateLogic(Attributes attributes) => new Logic(this);

    private sealed class Logic : GraphStageLogic, IInHandler
    {
        private readonly RouteStage<T> _s;
        private readonly Queue<int> _waiting = new();
        private T _pending = default!;
        private int _pendingTarget = -1;
        private int _open;

        public Logic(RouteStage<T> s) : base(s.Shape)
        {
            _s = s;
            _open = s._outs.Length;
            SetHandler(s._in, this);
            for (var i = 0; i < s._outs.Length; i++) SetHandler(s._outs[i], new Output(this, i));
        }

        public void OnPush()
        {
            var item = Grab(_s._in);
            if (_s._partitioner is { } p)
            {
                var target = p(item);
                if ((uint)target >= (uint)_s._outs.Length)
                {
                    FailStage(new ArgumentOutOfRangeException(nameof(target), target, $"Partition: the partitioner returned {target}; valid outputs are 0..{_s._outs.Length - 1}."));
                    return;
                }
                if (IsClosed(_s._outs[target])) { TryPull(); return; }
                if (IsAvailable(_s._outs[target])) { Push(_s._outs[target], item); TryPull(); }
                else { _pending = item; _pendingTarget = target; }
                return;
            }
            while (_waiting.Count > 0)
            {
                var o = _s._outs[_waiting.Dequeue()];
                if (!IsAvailable(o)) continue;
                Push(o, item);
                TryPull();
                return;
            }
            FailStage(new InvalidOperationException("Balance received an element without demand."));
        }

        private void TryPull()
        {
            if (IsClosed(_s._in) || HasBeenPulled(_s._in) || _pendingTarget >= 0) return;
            if (_s._partitioner is null)
            {
                if (_waiting.Count > 0) Pull(_s._in);
                return;
            }
            foreach (var o in _s._outs)
                if (IsAvailable(o)) { Pull(_s._in); return; }
        }

        public void OnUpstreamFinish()
        {
            if (_pendingTarget < 0) CompleteStage();
        }

        public void OnUpstreamFailure(Exception cause) => FailStage(cause);

        private sealed class Output(Logic logic, int index) : IOutHandler
        {
            public void OnPull()
            {
                if (logic._pendingTarget == index)
                {
                    var item = logic._pending;
                    logic._pending = default!;
                    logic._pendingTarget = -1;
                    logic.Push(logic._s._outs[index], item);
                    if (logic.IsClosed(logic._s._in)) { logic.CompleteStage(); return; }
                }
                else if (logic._s._partitioner is null) logic._waiting.Enqueue(index);
                logic.TryPull();
            }

            public void OnDownstreamFinish(Exception? cause)
            {
                logic._open--;
                if (logic._pendingTarget == index) { logic._pendingTarget = -1; logic._pending = default!; }
                if (logic._open == 0) logic.CompleteStage();
                else logic.TryPull();
            }
        }
    }
}
