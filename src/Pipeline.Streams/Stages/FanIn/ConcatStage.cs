using Pipeline.Streams.Dsl;
using Pipeline.Streams.Implementation;

namespace Pipeline.Streams.Stages.FanIn;

/// <summary>Emits all elements of input 0, then of input 1, ... (the later inputs are not pulled before their turn).</summary>
internal sealed class ConcatStage<T> : GraphStage
{
    private readonly Inlet<T>[] _ins;
    private readonly Outlet<T> _out = new("concat.out");

    public ConcatStage(int inputs)
    {
        _ins = Enumerable.Range(0, inputs).Select(i => new Inlet<T>($"concat.in{i}")).ToArray();
        Shape = new StageShape(_ins, [_out]);
    }

    public override StageShape Shape { get; }

    public override GraphStageLogic CreateLogic(Attributes attributes) => new Logic(this);

    private sealed class Logic : GraphStageLogic, IOutHandler
    {
        private readonly ConcatStage<T> _s;
        private int _current;
        private readonly Exception?[] _failures;

        public Logic(ConcatStage<T> s) : base(s.Shape)
        {
            _s = s;
            _failures = new Exception?[s._ins.Length];
            for (var i = 0; i < s._ins.Length; i++) SetHandler(s._ins[i], new Input(this, i));
            SetHandler(s._out, this);
        }

        public void OnPull()
        {
            while (_current < _s._ins.Length && IsClosed(_s._ins[_current]))
            {
                if (_failures[_current] is { } f)
                {
                    FailStage(f);
                    return;
                }
                _current++;
            }
            if (_current == _s._ins.Length) CompleteStage();
            else if (!HasBeenPulled(_s._ins[_current])) Pull(_s._ins[_current]);
        }

        public void OnDownstreamFinish(Exception? cause) => CompleteStage();

        private sealed class Input(Logic logic, int index) : IInHandler
        {
            public void OnPush() => logic.Push(logic._s._out, logic.Grab(logic._s._ins[index]));

            public void OnUpstreamFinish()
            {
                if (index != logic._current) return;
                logic._current++;
                if (logic.IsAvailable(logic._s._out)) logic.OnPull();
                else if (logic._current == logic._s._ins.Length) logic.CompleteStage();
            }

            public void OnUpstreamFailure(Exception cause)
            {
                // a later input's failure waits for its turn, so that earlier inputs are emitted completely
                if (index == logic._current) logic.FailStage(cause);
                else logic._failures[index] = cause;
            }
        }
    }
}
