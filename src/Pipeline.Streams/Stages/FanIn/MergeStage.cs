using Pipeline.Streams.Dsl;
using Pipeline.Streams.Implementation;

namespace Pipeline.Streams.Stages.FanIn;

/// <summary>Emits elements of N inputs as they come, fairly (round robin over inputs with an element ready);
/// order per input is preserved. Completes when all inputs completed.</summary>
internal sealed class MergeStage<T> : GraphStage
{
    private readonly Inlet<T>[] _ins;
    private readonly Outlet<T> _out = new("merge.out");

    public MergeStage(int inputs)
    {
        _ins = Enumerable.Range(0, inputs).Select(i => new Inlet<T>($"merge.in{i}")).ToArray();
        Shape = new StageShape(_ins, [_out]);
    }

    public override StageShape Shape { get; }

    public override GraphStageLogic CreateLogic(Attributes attributes) => new Logic(this);

    private sealed class Logic : GraphStageLogic, IOutHandler
    {
        private readonly MergeStage<T> _s;
        private readonly Queue<int> _ready = new();
        private int _open;

        public Logic(MergeStage<T> s) : base(s.Shape)
        {
            _s = s;
            _open = s._ins.Length;
            for (var i = 0; i < s._ins.Length; i++) SetHandler(s._ins[i], new Input(this, i));
            SetHandler(s._out, this);
        }

        protected internal override void PreStart()
        {
            foreach (var i in _s._ins) Pull(i);
        }

        public void OnPull()
        {
            if (_ready.Count > 0) Emit(_ready.Dequeue());
        }

        private void Emit(int index)
        {
            var inlet = _s._ins[index];
            Push(_s._out, Grab(inlet));
            if (!IsClosed(inlet)) Pull(inlet);
            else if (_open == 0 && _ready.Count == 0) CompleteStage();
        }

        public void OnDownstreamFinish(Exception? cause) => CompleteStage();

        private sealed class Input(Logic logic, int index) : IInHandler
        {
            public void OnPush()
            {
                if (logic.IsAvailable(logic._s._out)) logic.Emit(index);
                else logic._ready.Enqueue(index);
            }

            public void OnUpstreamFinish()
            {
                logic._open--;
                if (logic._open == 0 && logic._ready.Count == 0) logic.CompleteStage();
            }

            public void OnUpstreamFailure(Exception cause) => logic.FailStage(cause);
        }
    }
}
